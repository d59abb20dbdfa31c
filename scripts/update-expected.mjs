#!/usr/bin/env node
// Regenerates every expected output (fixtures/**/*.expected) from the built CLI, running the command on
// each file's first line. Review the diff by hand before committing: these files are the contract for
// every output format. To add a case, write a file whose first line is `$ chatlint check …` and run this.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { caseText, expectedFiles, readCase } from './expected-cases.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const file of expectedFiles(root)) {
  const { command, args } = readCase(root, file);
  let out;
  try {
    out = execFileSync(process.execPath, [join(root, 'bin/chatlint.js'), ...args], {
      cwd: root, env: { ...process.env, NO_COLOR: '1', LANG: 'C', CHATLINT_CACHE_DIR: '' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (error) {
    out = error.stdout;
  }
  writeFileSync(join(root, file), caseText(command, out));
  console.log(`wrote ${file}`);
}
