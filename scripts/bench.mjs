#!/usr/bin/env node
// Throughput benchmark: generates a night's export in a temp folder, then times the built CLI on it.
// Prints absolute numbers and ratios measured in this one run (machines are shared and noisy, so
// compare ratios across runs, not seconds).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const conversations = Number(process.env.BENCH_CONVERSATIONS ?? 20000);
const dir = mkdtempSync(join(tmpdir(), 'chatlint-bench-'));

let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = (list) => list[Math.floor(random() * list.length)];
const agents = ['1024', '1031', '102', '2048', '2050', '3007', '4001', '4002'];
const customerLines = ['你好，我的订单还没到', '请问退款什么时候到账？', '在吗', '快递显示已签收但我没收到', '谢谢', '好的'];
const agentLines = ['已为您查询到，包裹在派送中，预计今天送达。', '请您稍等2分钟，我马上为您确认。', '好的，已经为您登记了。', '我晕，这个单号不对！！', '请问还有什么可以帮您？'];

async function generate() {
  const jsonl = createWriteStream(join(dir, 'night.jsonl'));
  const csv = createWriteStream(join(dir, 'night.csv'));
  csv.write('会话ID,发送时间,角色,客服工号,消息内容\n');
  let messages = 0;
  const start = Date.UTC(2026, 10, 27, 10);
  // Interleave conversations in blocks, as exports written by several queues are.
  for (let c = 0; c < conversations; c++) {
    const id = `C${String(c).padStart(7, '0')}`;
    const agent = pick(agents);
    let t = start + Math.floor(random() * 8 * 3600) * 1000;
    const count = 6 + Math.floor(random() * 14);
    for (let i = 0; i < count; i++) {
      const isAgent = i % 2 === 1;
      t += (5 + Math.floor(random() * 70)) * 1000;
      const text = isAgent ? (i === 1 ? `您好，云客服${agent}为您服务` : pick(agentLines)) : pick(customerLines);
      const iso = new Date(t).toISOString();
      const record = { conversation_id: id, timestamp: iso, role: isAgent ? 'agent' : 'customer', ...(isAgent ? { agent_id: agent } : {}), text };
      if (!jsonl.write(`${JSON.stringify(record)}\n`)) await new Promise((r) => jsonl.once('drain', r));
      const local = new Date(t + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
      if (!csv.write(`${id},${local},${isAgent ? '客服' : '客户'},${isAgent ? agent : ''},${text}\n`)) await new Promise((r) => csv.once('drain', r));
      messages++;
    }
  }
  await Promise.all([new Promise((r) => jsonl.end(r)), new Promise((r) => csv.end(r))]);
  return messages;
}

function time(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--max-old-space-size=8192', join(root, 'bin/chatlint.js'), 'check', ...args, '--format', 'json', '-o', join(dir, 'report.json'), '--quiet'], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status === 2 || result.status === null) throw new Error(`chatlint failed: ${result.stderr}`);
  return seconds;
}

const messages = await generate();
writeFileSync(join(dir, 'empty.yaml'), 'name: empty\ntimezone: Asia/Shanghai\nrules: []\n');
const jsonlMB = statSync(join(dir, 'night.jsonl')).size / 1e6;
const csvMB = statSync(join(dir, 'night.csv')).size / 1e6;
console.log(`export: ${conversations} conversations, ${messages} messages; JSONL ${jsonlMB.toFixed(1)} MB, CSV ${csvMB.toFixed(1)} MB`);

const best = (args) => Math.min(time(args), time(args));
const readOnly = best([join(dir, 'night.jsonl'), '--rules', join(dir, 'empty.yaml')]);
const jsonl = best([join(dir, 'night.jsonl'), '--preset', 'zh-CN']);
const csvTime = best([join(dir, 'night.csv'), '--preset', 'zh-CN']);
const rows = [
  ['JSONL, no rules (read + group + report)', readOnly, jsonlMB],
  ['JSONL, zh-CN pack', jsonl, jsonlMB],
  ['CSV, zh-CN pack', csvTime, csvMB],
];
for (const [name, seconds, mb] of rows) {
  console.log(`${name.padEnd(42)} ${seconds.toFixed(2).padStart(6)} s  ${(mb / seconds).toFixed(1).padStart(6)} MB/s  ${Math.round(messages / seconds).toLocaleString('en').padStart(9)} msg/s`);
}
console.log(`ratio: rules cost ${(jsonl / readOnly).toFixed(2)}× a read-only run; CSV takes ${(csvTime / jsonl).toFixed(2)}× JSONL`);
rmSync(dir, { recursive: true, force: true });

