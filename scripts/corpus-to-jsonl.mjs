#!/usr/bin/env node
// Converts a local copy of a public support-dialogue corpus into chatlint JSON Lines, for measuring rule
// precision on real text (docs/precision.md). Fetches nothing: give it the file you already have.
// The corpora's licences do not allow copying them into this repository, so keep input and output
// outside it (e.g. /tmp or a sibling folder).
//
//   node scripts/corpus-to-jsonl.mjs jddc    chat.txt  > jddc.jsonl
//   node scripts/corpus-to-jsonl.mjs ibm-cdp dev.json  > ibm-dev.jsonl
//
// jddc: the JD Dialogue Challenge 2019 chat log (tab-separated: session id, user id, 1 = sent by the
//   agent / 0 = by the customer, is_transfer, is_repeat, sku, text). It has no times and no agent ids:
//   every message gets a synthetic time 20 s after the previous one and agents the id "JD", so only the
//   text rules mean anything on it (greeting findings are real: JD agents never give an id).
// ibm-cdp: IBM's Twitter conversational document prediction set (one JSON array; speaker key `client`,
//   `client1` or `agent`; the closing agent turn `agentURL` carries no time, so it is derived from its
//   tweet id, a Twitter snowflake).
import { readFileSync } from 'node:fs';

const [kind, file] = process.argv.slice(2);
const out = (record) => process.stdout.write(`${JSON.stringify(record)}\n`);
const fail = (message) => {
  process.stderr.write(`corpus-to-jsonl: ${message}\n`);
  process.exit(2);
};
if (!kind || !file) fail('usage: corpus-to-jsonl.mjs jddc|ibm-cdp <file>');

function jddc(text) {
  const base = Date.parse('2019-06-01T10:00:00+08:00');
  const position = new Map();
  let skipped = 0;
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const cells = line.split('\t');
    const [session, , sender] = cells;
    const content = cells.slice(6).join('\t').trim();
    if (cells.length < 7 || (sender !== '0' && sender !== '1')) {
      skipped++;
      process.stderr.write(`line ${index + 1}: not a JDDC chat row, skipped\n`);
      return;
    }
    if (content === '' || content === 'NULL' || content === 'nan') return;
    const n = position.get(session) ?? 0;
    position.set(session, n + 1);
    const record = { conversation_id: session, timestamp: new Date(base + n * 20_000).toISOString(), role: sender === '1' ? 'agent' : 'customer', text: content };
    if (sender === '1') record.agent_id = 'JD';
    out(record);
  });
  if (skipped > 0) process.stderr.write(`${skipped} rows skipped\n`);
}

const snowflakeTime = (id) => new Date(Number((BigInt(id) >> 22n) + 1288834974657n)).toISOString();

function ibmCdp(text) {
  const conversations = JSON.parse(text);
  if (!Array.isArray(conversations)) fail(`${file}: expected a JSON array of conversations`);
  for (const c of conversations) {
    const id = c?.dialogHeader?.sessionID;
    const company = c?.dialogHeader?.company ?? 'brand';
    if (!id) continue;
    for (const m of c.dialogContent ?? []) {
      const isAgent = typeof m.agent === 'string';
      const record = { conversation_id: id, timestamp: m.datetime, role: isAgent ? 'agent' : 'customer', text: m.message };
      if (isAgent) record.agent_id = company;
      out(record);
    }
    const last = c.agentURL;
    if (last?.url_utterance && last.tweet_ID) {
      out({ conversation_id: id, timestamp: snowflakeTime(last.tweet_ID), role: 'agent', agent_id: company, text: last.url_utterance });
    }
  }
}

const text = readFileSync(file, 'utf8');
if (kind === 'jddc') jddc(text);
else if (kind === 'ibm-cdp') ibmCdp(text);
else fail(`unknown corpus "${kind}" (jddc or ibm-cdp)`);
