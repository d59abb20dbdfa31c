import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import type { Reporter, TestModule } from 'vitest/node';

/** Ends the run with a plain "N passed, N failed" line that any CI log reader understands. */
class ClosingLine implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') count.passed++;
        else if (state === 'failed') count.failed++;
        else count.skipped++;
      }
    }
    process.stdout.write(`\n${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped\n`);
  }
}

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Forks, not threads: an in-process CLI run moves its process into the run's folder (process.chdir),
    // which worker threads may not do. One fork per core: vitest's default (cores - 1) runs the files one
    // at a time on a 2-core machine, and the suite is CPU-bound now that CLI tests run in-process.
    pool: 'forks',
    maxWorkers: availableParallelism(),
    // Test files share their fork's modules instead of importing src/ afresh each: importing was half
    // of the suite's CPU time. Per-file cleanup lives in tests/setup.ts; in-process CLI runs restore the
    // folder they move into, and nothing else in src/ keeps state beyond caches.
    isolate: false,
    setupFiles: ['tests/setup.ts'],
    testTimeout: 30_000,
    // Regex verdicts stay in memory: tests write nothing outside the repository. No test uses the network, and
    // NODE_EXTRA_CA_CERTS (set on some machines, this one included) makes every Node process a test spawns
    // load a certificate bundle first: ~400 M instructions, ~35 ms, 4.5 times a bare `node -e 0`.
    env: { CHATLINT_CACHE_DIR: '', NODE_EXTRA_CA_CERTS: '' },
    reporters: ['default', new ClosingLine()],
  },
});
