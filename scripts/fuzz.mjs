#!/usr/bin/env node
// `npm run fuzz`: the property tests of tests/property, run long with a fresh seed (printed, so a failure
// can be replayed with CHATLINT_FUZZ_SEED=<seed> npm run fuzz). `npm test` runs the same properties with
// a fixed seed and a bounded number of runs.
//
//   npm run fuzz                      # 5,000 runs per property, random seed
//   CHATLINT_FUZZ_RUNS=50000 npm run fuzz
//   CHATLINT_FUZZ_SEED=1234 npm run fuzz
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

const seed = process.env.CHATLINT_FUZZ_SEED ?? String(randomInt(2 ** 31 - 1));
const runs = process.env.CHATLINT_FUZZ_RUNS ?? '5000';
const timeMs = process.env.CHATLINT_FUZZ_TIME_MS ?? '600000';
process.stdout.write(`fuzz: seed ${seed}, ${runs} runs per property (replay with CHATLINT_FUZZ_SEED=${seed})\n`);
const result = spawnSync('npx', ['vitest', 'run', 'tests/property', '--testTimeout', String(Number(timeMs) + 60_000)], {
  stdio: 'inherit',
  env: { ...process.env, CHATLINT_FUZZ_SEED: seed, CHATLINT_FUZZ_RUNS: runs, CHATLINT_FUZZ_TIME_MS: timeMs },
});
process.exit(result.status ?? 1);
