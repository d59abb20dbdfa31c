#!/usr/bin/env node
// Regenerates tests/expected/ from the built CLI. Review the diff by hand before committing:
// these files are the contract for every output format.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CASES = [
  ['one-chat.pretty.txt', ['fixtures/transcript/one-chat.json']],
  ['one-chat.pretty.zh.txt', ['fixtures/transcript/one-chat.json', '--lang', 'zh-CN']],
  ['one-chat.json', ['fixtures/transcript/one-chat.json', '--format', 'json']],
  ['one-chat.ndjson', ['fixtures/transcript/one-chat.json', '--format', 'ndjson']],
  ['one-chat.csv', ['fixtures/transcript/one-chat.json', '--format', 'csv']],
  ['nightly.agents.csv', ['fixtures/nightly', '--format', 'csv', '--csv-report', 'agents', '--bom']],
  ['english.pretty.txt', ['fixtures/english/export.jsonl', '--preset', 'en']],
  // One report per helpdesk product: detection, roles, agents, times and skips end to end.
  ...['aliyun-ccc', 'amazon-connect', 'genesys', 'intercom', 'livechat', 'salesforce-transcript', 'slack', 'tencent-ccc', 'twitter-replies', 'zendesk-chat'].map((format) => [
    `formats.${format}.json`,
    [`fixtures/formats/${format}`, '--preset', 'en', '--format', 'json'],
  ]),
  ['formats.text-transcript.en.json', ['fixtures/formats/text-transcript/zendesk-email.txt', '--preset', 'en', '--format', 'json']],
  ['formats.text-transcript.zh.txt', ['fixtures/formats/text-transcript/wechat-zh.txt', '--lang', 'zh-CN']],
  ['formats.telegram.json', ['fixtures/formats/telegram', '--preset', 'en', '--format', 'json', '--map', 'fixtures/formats/telegram/roles.yaml']],
  ['formats.whatsapp.json', ['fixtures/formats/whatsapp', '--preset', 'en', '--format', 'json', '--agents', 'Brightline Support,Noor Haddad']],
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
mkdirSync(join(root, 'tests/expected'), { recursive: true });
for (const [name, args] of CASES) {
  let out;
  try {
    out = execFileSync(process.execPath, [join(root, 'bin/chatlint.js'), 'check', ...args], {
      cwd: root, env: { ...process.env, NO_COLOR: '1', LANG: 'C', CHATLINT_CACHE_DIR: '' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (error) {
    out = error.stdout;
  }
  writeFileSync(join(root, 'tests/expected', name), out);
  console.log(`wrote tests/expected/${name}`);
}
}
