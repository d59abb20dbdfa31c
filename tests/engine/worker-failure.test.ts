import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generatedNight } from '../helpers/night.js';
import { loadRuleset } from '../../src/config/load.js';
import { checkPieces } from '../../src/engine/workers.js';

const dir = mkdtempSync(join(tmpdir(), 'chatlint-worker-failure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for the check worker that fails in a given way: as it starts, or once it is given a piece. */
function failingWorker(name: string, atStart: string, onPiece: string): URL {
  const path = join(dir, `${name}.mjs`);
  writeFileSync(path, `import { parentPort } from 'node:worker_threads';\n${atStart}\nparentPort.on('message', () => { ${onPiece} });\nparentPort.postMessage({ type: 'ready' });\n`);
  return pathToFileURL(path);
}

describe('a worker that fails while this thread checks its own piece', () => {
  const night = generatedNight(dir, 'night.jsonl', 'time');
  const ruleset = loadRuleset({ cwd: process.cwd() });

  it.each([
    ['posts an error as it starts', "parentPort.postMessage({ type: 'error', message: 'boom in the worker' });", '', /boom in the worker/],
    ['exits mid-piece', '', 'process.exit(3)', /check worker stopped \(exit code 3\) before its work was done/],
    ['throws on its piece', '', "throw new Error('thrown in the worker')", /thrown in the worker/],
  ])('%s: the run fails with what the worker said, and this thread stops reading', async (name, atStart, onPiece, said) => {
    // This thread's piece waits at its first batch until the run has failed, so the worker is sure to get a piece.
    let settled = false;
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    let eventsAfterFailure = 0;
    const run = checkPieces(
      {
        workerUrl: failingWorker(name.replace(/\W/g, '-'), atStart, onPiece),
        workerData: {},
        jobs: 2,
        files: [night],
        readOptions: { encoding: 'utf8' },
        forced: undefined,
        // Small ranges: the night is cut in two, one piece for each thread.
        minRangeBytes: 1,
        track: async function* (events) {
          for await (const event of events) {
            await gate;
            if (settled) eventsAfterFailure++;
            yield event;
          }
        },
      },
      ruleset,
      {},
      {},
    );
    await expect(
      run.finally(() => {
        settled = true;
        open();
      }),
    ).rejects.toThrow(said);
    // Let this thread's piece go on as far as it would.
    await new Promise((resolve) => setImmediate(resolve));
    // Only the batch in hand when the run failed is passed on; nothing more is read.
    expect(eventsAfterFailure).toBe(1);
  });
});
