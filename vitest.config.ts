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
    // Spawned-CLI tests start real node processes; keep the pool small on 2-core machines.
    pool: 'forks',
    testTimeout: 30_000,
    // Regex verdicts stay in memory: tests write nothing outside the repository.
    env: { CHATLINT_CACHE_DIR: '' },
    reporters: ['default', new ClosingLine()],
  },
});
