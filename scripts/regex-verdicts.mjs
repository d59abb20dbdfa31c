#!/usr/bin/env node
// Writes rules/regex-verdicts.json: the ReDoS verdicts for every pattern of the built-in packs, so a
// fresh machine checking with a built-in pack runs no analysis. Run by `npm run docs`.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

process.env.CHATLINT_CACHE_DIR = '';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { listPresets } = await import(join(root, 'dist/config/presets.js'));
const { loadRuleset } = await import(join(root, 'dist/config/load.js'));
const { forgetVerdicts, verdictFile } = await import(join(root, 'dist/rules/regex-safety.js'));
// The packs' rules as the build validated them would skip the analysis: validate them here.
const { loadBuiltPacks } = await import(join(root, 'dist/config/parse.js'));
loadBuiltPacks(new URL('file:///nonexistent/parsed-packs.json'));
// Every verdict computed afresh: the shipped file must equal a fresh analysis (a test checks it).
forgetVerdicts();
for (const preset of listPresets()) loadRuleset({ preset });
writeFileSync(join(root, 'rules/regex-verdicts.json'), verdictFile());
console.log('wrote rules/regex-verdicts.json');
