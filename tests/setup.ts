import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers/cli.js';

// Test files share their fork's modules (isolate: false in vitest.config.ts), so a helper module's own
// afterAll would run for the first file only; this setup file runs for every file.
afterAll(removeTempDirs);
