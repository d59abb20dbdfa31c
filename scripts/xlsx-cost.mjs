#!/usr/bin/env node
// What an xlsx report costs at 100,000 findings (time, peak memory, file size), against the CSV of the
// same report. Run after `npm run build`: node scripts/xlsx-cost.mjs [findings]
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFormatter } from '../dist/report/formatters/all.js';
import { readCase } from './expected-cases.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const count = Number(process.argv[2] ?? 100_000);
const base = JSON.parse(readCase(root, 'fixtures/transcript/one-chat.json.expected').output);
const sample = base.findings;
const findings = Array.from({ length: count }, (_, i) => {
  const f = sample[i % sample.length];
  const conversation = `C${String(Math.floor(i / 4)).padStart(6, '0')}`;
  return { ...f, conversationId: conversation, agentId: String(1000 + (i % 60)), messageIndex: i % 12,
    timestamp: new Date(Date.UTC(2026, 10, 27, 1) + i * 1000).toISOString(), source: { ...f.source, record: i + 1 } };
});
const conversations = Array.from({ length: Math.ceil(count / 4) }, (_, i) => ({ ...base.conversations[0], conversationId: `C${String(i).padStart(6, '0')}` }));
const report = { ...base, findings, conversations };
const context = { color: false, language: 'en', timezone: 'Asia/Shanghai', csvReport: 'findings', bom: false, ruleIds: [], scored: true };

const heapBefore = process.memoryUsage().rss;
let start = performance.now();
let bytes = { length: 0 };
for (const piece of findFormatter('xlsx').format(report, context)) bytes.length += piece.length;
const xlsxSeconds = (performance.now() - start) / 1000;
const rss = process.memoryUsage().rss;
start = performance.now();
let csvBytes = 0;
for (const piece of findFormatter('csv').format(report, context)) csvBytes += Buffer.byteLength(piece);
const csvSeconds = (performance.now() - start) / 1000;
const mb = (n) => (n / 2 ** 20).toFixed(1);
console.log(`${count} findings, ${conversations.length} conversations`);
console.log(`xlsx: ${xlsxSeconds.toFixed(1)} s, ${mb(bytes.length)} MB file, resident memory ${mb(heapBefore)} → ${mb(rss)} MB`);
console.log(`csv:  ${csvSeconds.toFixed(1)} s, ${mb(csvBytes)} MB (findings only, for comparison)`);
