#!/usr/bin/env node
// `npm run bench`: generates a seeded night's export, then measures chatlint against the floors as
// medians of interleaved rounds (the machines are shared and noisy: compare ratios taken in the same
// rounds, not seconds). Prints each goal of issue 9 beside its measured ratio and every run's peak RSS.
//
//   npm run bench -- --size 100m            # the default
//   npm run bench -- --size 100m,1g --rounds 3 --markdown
//   --keep DIR   generate into DIR and keep the files (re-used when present)
//   --only REGEX run only the commands whose name matches (e.g. --only 'floor|four rules 1 thread|every')
//   --textlint DIR  also time textlint + textlint-rule-ng-word (installed in DIR with
//                   `npm i --prefix DIR textlint textlint-rule-ng-word`) against chatlint on a 10 MB slice
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem, type as osType, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, parseSize } from './bench/generate.mjs';
import { benchPhrases } from './bench/phrases.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = argv[i + 1];
  // `--keep --only x` once kept a 160 MB export in a folder named "--only".
  if (value === undefined || value.startsWith('--')) throw new Error(`npm run bench: --${name} needs a value`);
  return value;
};
const sizes = opt('size', '100m').split(',');
const rounds = Number(opt('rounds', 3));
const markdown = argv.includes('--markdown');
const keep = opt('keep');
const dir = keep ?? mkdtempSync(join(tmpdir(), 'chatlint-bench-'));
mkdirSync(dir, { recursive: true });
const cli = join(root, 'bin/chatlint.js');
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const cores = availableParallelism();
const help = spawnSync(process.execPath, [cli, 'check', '--help'], { encoding: 'utf8' }).stdout;
const hasJobs = help.includes('--jobs');

// ---- rule files -------------------------------------------------------------------------------------
const yamlList = (items) => items.map((p) => `      - ${JSON.stringify(p)}`).join('\n');
const coreRules = (phraseCount, extra = '') => `name: bench-four
timezone: Asia/Shanghai
rules:
  - id: greeting-with-id
    kind: greeting
    severity: error
    within: 1
    patterns: ['云客服\\s*{agentId}\\s*为您服务']
  - id: reply-within-60s
    kind: response-time
    severity: error
    maxSeconds: 60
  - id: no-forbidden-phrases
    kind: forbidden-phrase
    severity: error
    phrases:
${yamlList(benchPhrases(phraseCount))}
  - id: no-emotional-punctuation
    kind: forbidden-punctuation
    severity: warning
    patterns: ['[!?！？]{2,}', '。{2,}', '\\.{3,}']
${extra}`;
const everyAgentMessage = `  - id: every-agent-message
    kind: forbidden-phrase
    severity: info
    patterns: ['^.']
`;
const ruleFile = (name, text) => {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, text);
  return path;
};
const rules = {
  four: ruleFile('four', coreRules(200)),
  p50: ruleFile('phrases-50', coreRules(50)),
  p10k: ruleFile('phrases-10000', coreRules(10_000)),
  every: ruleFile('every', coreRules(200, everyAgentMessage)),
};

// ---- data ---------------------------------------------------------------------------------------------
const data = {};
for (const size of sizes) {
  const base = join(dir, `night-${size}`);
  if (!existsSync(`${base}.jsonl`) || !existsSync(`${base}.csv`)) {
    process.stderr.write(`generating ${size} export in ${dir} …\n`);
    await generate({ out: base, size: parseSize(size) });
  }
  data[size] = { jsonl: `${base}.jsonl`, csv: `${base}.csv`, mb: statSync(`${base}.jsonl`).size / 1e6, csvMb: statSync(`${base}.csv`).size / 1e6 };
}
const small = join(root, 'fixtures/transcript/one-chat.json');


// ---- measuring ----------------------------------------------------------------------------------------
// NODE_EXTRA_CA_CERTS (set on some machines, this one included) makes every Node process load a certificate
// bundle as it starts, ~35 ms: that is no part of either program, and it hid half of chatlint's start-up
// behind `node -e 0`'s. Every timed command runs without it.
const timedEnv = { ...process.env };
delete timedEnv.NODE_EXTRA_CA_CERTS;
/** Runs node with `args`; returns wall seconds and peak RSS in MB (whole process, worker threads included). */
function run(args) {
  const rssFile = join(dir, 'rss.txt');
  const command = timeBin ? [timeBin, '-f', '%M', '-o', rssFile, process.execPath, ...args] : [process.execPath, ...args];
  const started = process.hrtime.bigint();
  const result = spawnSync(command[0], command.slice(1), { encoding: 'utf8', maxBuffer: 1 << 30, env: timedEnv });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${args.join(' ')} failed (${result.status}): ${result.stderr.slice(0, 2000)}`);
  const rss = timeBin ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024 : NaN;
  return { seconds, rss };
}
const check = (file, ruleFile, jobs, extra = []) => [
  cli, 'check', file, ...(ruleFile.startsWith('--') ? [ruleFile, 'zh-CN'] : ['--rules', ruleFile]), '--allow-large-rules',
  '--format', 'json', '-o', join(dir, 'report.json'), ...(hasJobs ? ['--jobs', String(jobs)] : []), ...extra,
];

// The textlint comparison: the same 200 phrases over the agent texts of a 10 MB slice, chatlint reading the
// JSON Lines and textlint a plain-text file of those texts (one paragraph per message).
const textlintDir = opt('textlint');
const textlint = textlintDir ? await textlintCase(textlintDir) : null;
async function textlintCase(installDir) {
  const slice = join(dir, 'slice-10m');
  if (!existsSync(`${slice}.jsonl`)) await generate({ out: slice, size: parseSize('10m'), formats: ['jsonl'] });
  const texts = [];
  for (const line of readFileSync(`${slice}.jsonl`, 'utf8').split('\n')) {
    if (!line) continue;
    const record = JSON.parse(line);
    if (record.role === 'agent') texts.push(record.text.replace(/\s*\n\s*/g, ' '));
  }
  const agentTexts = join(dir, 'slice-10m-agents.txt');
  writeFileSync(agentTexts, `${texts.join('\n\n')}\n`);
  const config = join(dir, 'textlintrc.json');
  writeFileSync(config, JSON.stringify({ rules: { 'ng-word': { words: benchPhrases(200) } } }));
  const phrasesOnly = ruleFile('phrases-only', `name: bench-phrases\nrules:\n  - id: no-forbidden-phrases\n    kind: forbidden-phrase\n    phrases:\n${yamlList(benchPhrases(200))}\n`);
  return {
    textlint: [join(installDir, 'node_modules/textlint/bin/textlint.js'), '--config', config, '--rules-base-directory', join(installDir, 'node_modules'), '--format', 'unix', agentTexts],
    chatlint: check(`${slice}.jsonl`, phrasesOnly, 1),
  };
}

/** Named commands; each round runs all of them once, in order, so noise hits them alike. */
const commands = new Map();
const add = (name, args) => commands.set(name, { args, runs: [] });
add('node -e 0', ['-e', '0']);
add('small transcript', [cli, 'check', small, '--format', 'json', '-o', join(dir, 'small.json')]);
for (const size of sizes) {
  const { jsonl, csv } = data[size];
  add(`floor ${size}`, [join(root, 'scripts/bench/floor-jsonl.mjs'), jsonl]);
  add(`four rules 1 thread ${size}`, check(jsonl, rules.four, 1));
  add(`zh-CN 1 thread ${size}`, check(jsonl, '--preset', 1));
  if (hasJobs) add(`four rules ${cores} threads ${size}`, check(jsonl, rules.four, cores));
  add(`every agent message ${size}`, check(jsonl, rules.every, 1));
  add(`csv floor ${size}`, [join(root, 'scripts/bench/floor-csv.mjs'), csv]);
  add(`csv four rules ${size}`, check(csv, rules.four, 1));
}
const first = sizes[0];
add(`50 phrases ${first}`, check(data[first].jsonl, rules.p50, 1));
add(`10000 phrases ${first}`, check(data[first].jsonl, rules.p10k, 1));
if (textlint) {
  add('textlint ng-word 10m', textlint.textlint);
  add('chatlint phrases 10m', textlint.chatlint);
}

const only = opt('only');
if (only) for (const name of [...commands.keys()]) if (!new RegExp(only).test(name)) commands.delete(name);

// As hyperfine's --warmup: a small check's first run after a build compiles the bundle and writes the code
// cache every later run starts from, and a single round would time that one-off.
for (const name of ['node -e 0', 'small transcript']) if (commands.has(name)) run(commands.get(name).args);
for (let round = 1; round <= rounds; round++) {
  for (const [name, command] of commands) {
    process.stderr.write(`round ${round}/${rounds}: ${name} …`);
    const result = run(command.args);
    command.runs.push(result);
    process.stderr.write(` ${result.seconds.toFixed(2)} s, ${Math.round(result.rss)} MB\n`);
  }
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const seconds = (name) => (commands.has(name) ? median(commands.get(name).runs.map((r) => r.seconds)) : NaN);
const peak = (name) => (commands.has(name) ? Math.max(...commands.get(name).runs.map((r) => r.rss)) : NaN);
const ratio = (a, b) => seconds(a) / seconds(b);

// ---- the table of issue 9 -----------------------------------------------------------------------------
const fmt = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : 'not measured');
const mb = (x) => (Number.isFinite(x) ? `${Math.round(x)} MB` : 'not measured');
const largest = sizes.includes('1g') ? '1g' : sizes[sizes.length - 1];
const rows = [];
for (const size of sizes) {
  rows.push([`four core rules, ${size}, one thread vs floor`, fmt(ratio(`four rules 1 thread ${size}`, `floor ${size}`)), size === first ? '<= 1.25x' : '<= 1.25x', `${seconds(`four rules 1 thread ${size}`).toFixed(2)} s; floor ${seconds(`floor ${size}`).toFixed(2)} s (${(data[size].mb / seconds(`floor ${size}`)).toFixed(0)} MB/s)`]);
}
rows.push([`built-in zh-CN pack, ${largest}, one thread vs floor`, fmt(ratio(`zh-CN 1 thread ${largest}`, `floor ${largest}`)), '<= 1.6x', `${seconds(`zh-CN 1 thread ${largest}`).toFixed(2)} s`]);
rows.push([`four core rules, ${largest}, all ${cores} cores vs floor`, hasJobs ? fmt(ratio(`four rules ${cores} threads ${largest}`, `floor ${largest}`)) : 'not measured (no --jobs yet)', '<= 0.65x', hasJobs ? `${seconds(`four rules ${cores} threads ${largest}`).toFixed(2)} s` : '']);
for (const size of sizes) {
  rows.push([`peak RSS, four rules, ${size}`, mb(peak(`four rules 1 thread ${size}`)), '<= 256 MB', `floor ${mb(peak(`floor ${size}`))}`]);
  rows.push([`peak RSS, a finding on every agent message, ${size}`, mb(peak(`every agent message ${size}`)), '<= 256 MB', `${seconds(`every agent message ${size}`).toFixed(2)} s`]);
}
rows.push([`CSV, four rules, ${first} vs csv-parse arrays alone`, fmt(ratio(`csv four rules ${first}`, `csv floor ${first}`)), '<= 1.2x', `${seconds(`csv four rules ${first}`).toFixed(2)} s; csv floor ${seconds(`csv floor ${first}`).toFixed(2)} s`]);
rows.push(['one small transcript vs node -e 0', fmt(ratio('small transcript', 'node -e 0')), '<= 2.5x', `${(seconds('small transcript') * 1000).toFixed(0)} ms vs ${(seconds('node -e 0') * 1000).toFixed(0)} ms`]);
rows.push([`10,000 phrases vs 50 phrases, ${first}`, fmt(ratio(`10000 phrases ${first}`, `50 phrases ${first}`)), '<= 1.5x', `${seconds(`10000 phrases ${first}`).toFixed(2)} s vs ${seconds(`50 phrases ${first}`).toFixed(2)} s`]);
rows.push(['vs textlint + textlint-rule-ng-word (phrases on agent texts, 10 MB)',
  textlint ? `${(seconds("textlint ng-word 10m") / seconds("chatlint phrases 10m")).toFixed(2)}x (textlint time / chatlint time)` : 'not measured (run with --textlint DIR)',
  '>= 4x faster', textlint ? `${seconds('chatlint phrases 10m').toFixed(2)} s vs ${seconds('textlint ng-word 10m').toFixed(2)} s` : '']);

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const header = `Machine: ${cpu}, ${cores} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${osType()} ${release()}, Node ${process.version}; ` +
  `${rounds} interleaved rounds, medians (after one untimed run of the start-up commands), without NODE_EXTRA_CA_CERTS; export ${sizes.map((s) => `${s} = ${data[s].mb.toFixed(0)} MB JSONL / ${data[s].csvMb.toFixed(0)} MB CSV`).join(', ')}.`;
if (markdown) {
  console.log(header);
  console.log('\n| | measured | goal | detail |\n|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
} else {
  console.log(header);
  for (const [what, measured, goal, detail] of rows) console.log(`${what.padEnd(62)} ${measured.padStart(12)}   goal ${goal.padEnd(12)} ${detail}`);
}
console.log('\nall runs (median s, peak RSS):');
for (const [name] of commands) console.log(`  ${name.padEnd(34)} ${seconds(name).toFixed(3).padStart(8)} s ${mb(peak(name)).padStart(9)}`);
if (!keep) rmSync(dir, { recursive: true, force: true });
