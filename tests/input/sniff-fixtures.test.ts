import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverFiles } from '../../src/input/discover.js';
import type { Encoding } from '../../src/input/encoding.js';
import { ROOT } from '../helpers/cli.js';
import { fixture, readFixture } from '../helpers/reading.js';

const GB18030 = 'not UTF-8; read as GB18030 (not valid Big5) (use --encoding to choose)';
const NEITHER = 'not valid UTF-8, GB18030 or Big5; read as UTF-8, and records that do not decode are skipped (use --encoding to choose)';
const UTF16LE = 'read as UTF-16LE (byte-order mark)';
const UTF16BE = 'read as UTF-16BE (byte-order mark)';

interface Expected {
  format: string;
  /** The encoding the file is really in: reading it with --encoding auto must give what telling it gives. */
  encoding: Encoding;
  /** The encoding note on stderr; null for plain UTF-8. */
  note: string | null;
  /** Records read; null for the fixtures scripts/make-fixtures.mjs generates (tests/e2e pins those). */
  messages: number | null;
  skips: number | null;
  /** Read as it is, the file is refused whole (it needs its --map). */
  fileError?: RegExp;
}

/**
 * Every chat export under fixtures/, read with --encoding auto and format detection: the format and the
 * encoding each is taken for, and what reading it gives. A wrong guess shows here as a wrong format, a
 * note where none belongs (or none where one does), or records lost to skips.
 */
const EXPORTS: Record<string, Expected> = {
  'broken/bad-lines.jsonl': { encoding: 'utf8', format: 'jsonl', note: null, messages: null, skips: null },
  'broken/gbk-export.csv': { encoding: 'gb18030', format: 'csv', note: GB18030, messages: null, skips: null },
  'broken/missing-fields.csv': { encoding: 'utf8', format: 'csv', note: null, messages: null, skips: null },
  'csv/export-zh.csv': { encoding: 'utf8', format: 'csv', note: null, messages: null, skips: null },
  'encodings/big5.csv': { encoding: 'big5', format: 'csv', note: 'not UTF-8; read as Big5 (Traditional Chinese): 87% of its Chinese characters are common ones as Big5, 36% as GB18030 (use --encoding to choose)', messages: 5, skips: 0 },
  'encodings/gb18030-traditional.csv': { encoding: 'gb18030', format: 'csv', note: GB18030, messages: 5, skips: 0 },
  'encodings/utf16be-nobom.jsonl': { encoding: 'utf16be', format: 'jsonl', note: 'no byte-order mark, but the NUL bytes fall as in UTF-16BE text; read as UTF-16BE (use --encoding to choose)', messages: 3, skips: 0 },
  'encodings/utf16le-nobom.jsonl': { encoding: 'utf16le', format: 'jsonl', note: 'no byte-order mark, but the NUL bytes fall as in UTF-16LE text; read as UTF-16LE (use --encoding to choose)', messages: 3, skips: 0 },
  'encodings/gb18030.jsonl': { encoding: 'gb18030', format: 'jsonl', note: GB18030, messages: 2, skips: 0 },
  'encodings/latin1.csv': { encoding: 'utf8', format: 'csv', note: NEITHER, messages: 0, skips: 2 },
  'encodings/utf16be-bom.jsonl': { encoding: 'utf16be', format: 'jsonl', note: UTF16BE, messages: 3, skips: 0 },
  'encodings/utf16le-bom.csv': { encoding: 'utf16le', format: 'csv', note: UTF16LE, messages: 3, skips: 0 },
  'encodings/utf16le-bom.json': { encoding: 'utf16le', format: 'json', note: UTF16LE, messages: 2, skips: 0 },
  'encodings/utf8-bom.csv': { encoding: 'utf8', format: 'csv', note: null, messages: 3, skips: 0 },
  'english/export.jsonl': { encoding: 'utf8', format: 'jsonl', note: null, messages: null, skips: null },
  'formats/amazon-connect/7c1e9a52-0000-4000-8000-000000000002_analysis_2026-03-02T11:00:00Z.json': { encoding: 'utf8', format: 'amazon-connect', note: null, messages: 4, skips: 1 },
  'formats/amazon-connect/chat-transcript.json': { encoding: 'utf8', format: 'amazon-connect', note: null, messages: 6, skips: 2 },
  'formats/genesys/chat-recording.json': { encoding: 'utf8', format: 'genesys', note: null, messages: 2, skips: 1 },
  'formats/genesys/web-messaging.json': { encoding: 'utf8', format: 'genesys', note: null, messages: 6, skips: 1 },
  'formats/telegram/result.json': { encoding: 'utf8', format: 'telegram', note: null, messages: 6, skips: 1 },
  'formats/aliyun-ccc/visitor-chat-messages.json': { encoding: 'utf8', format: 'aliyun-ccc', note: null, messages: 6, skips: 2 },
  'formats/intercom/conversation-7731.json': { encoding: 'utf8', format: 'intercom', note: null, messages: 4, skips: 3 },
  'formats/intercom/v1-conversation-5520.json': { encoding: 'utf8', format: 'intercom', note: null, messages: 4, skips: 3 },
  'formats/intercom/conversations-page.json': { encoding: 'utf8', format: 'intercom', note: null, messages: 6, skips: 0 },
  'formats/livechat/archives-page.json': { encoding: 'utf8', format: 'livechat', note: null, messages: 8, skips: 2 },
  'formats/salesforce-transcript/00041877.txt': { encoding: 'utf8', format: 'salesforce-transcript', note: null, messages: 3, skips: 0 },
  'formats/salesforce-transcript/0570X00000Q1x9A.html': { encoding: 'utf8', format: 'salesforce-transcript', note: null, messages: 6, skips: 1 },
  'formats/salesforce-transcript/transcripts-export.csv': { encoding: 'utf8', format: 'salesforce-transcript', note: null, messages: 2, skips: 2 },
  'formats/slack/export/help-desk/2026-03-02.json': { encoding: 'utf8', format: 'slack', note: null, messages: 6, skips: 1 },
  'formats/tencent-ccc/session-6b1d9e44.json': { encoding: 'utf8', format: 'tencent-ccc', note: null, messages: 4, skips: 1 },
  'formats/tencent-ccc/with-session-id.json': { encoding: 'utf8', format: 'tencent-ccc', note: null, messages: 2, skips: 1 },
  'formats/twitter-replies/tweets-pandas.csv': { encoding: 'utf8', format: 'twitter-replies', note: null, messages: 4, skips: 0 },
  'formats/twitter-replies/tweets.csv': { encoding: 'utf8', format: 'twitter-replies', note: null, messages: 7, skips: 4 },
  'formats/whatsapp/WhatsApp Chat with Brightline Support.txt': { encoding: 'utf8', format: 'whatsapp', note: null, messages: 5, skips: 1 },
  'formats/whatsapp/ios-12h-lower.txt': { encoding: 'utf8', format: 'whatsapp', note: null, messages: 7, skips: 0 },
  'formats/whatsapp/ios-24h-ymd.txt': { encoding: 'utf8', format: 'whatsapp', note: null, messages: 4, skips: 0 },
  'formats/whatsapp/ios-export.txt': { encoding: 'utf8', format: 'whatsapp', note: null, messages: 5, skips: 0 },
  'formats/whatsapp/ios-us-narrow.txt': { encoding: 'utf8', format: 'whatsapp', note: null, messages: 5, skips: 0 },
  'formats/whatsapp/us-12h.txt': { encoding: 'utf8', format: 'whatsapp', note: null, messages: 4, skips: 0 },
  'formats/text-transcript/wechat-zh.txt': { encoding: 'utf8', format: 'text-transcript', note: null, messages: 9, skips: 0 },
  'formats/text-transcript/zendesk-email.txt': { encoding: 'utf8', format: 'text-transcript', note: null, messages: 8, skips: 1 },
  'formats/zendesk-chat/chats-page.json': { encoding: 'utf8', format: 'zendesk-chat', note: null, messages: 6, skips: 2 },
  'formats/zendesk-chat/fivetran-chat.json': { encoding: 'utf8', format: 'zendesk-chat', note: null, messages: 3, skips: 1 },
  'mapping/nested.json': { encoding: 'utf8', format: 'json', note: null, messages: 0, skips: 0, fileError: /^not a chat export chatlint recognises \(it looks like a JSON object with keys exported, conversations, its conversations\[\] objects / },
  'mapping/role-by-key.json': { encoding: 'utf8', format: 'json', note: null, messages: 0, skips: 0, fileError: /^not a chat export chatlint recognises / },
  'mapping/time-only.csv': { encoding: 'utf8', format: 'csv', note: null, messages: 0, skips: 0, fileError: /^header row has no column for conversationId / },
  'mapping/us-export.csv': { encoding: 'utf8', format: 'csv', note: null, messages: 0, skips: 0, fileError: /^header row has no column for conversationId, timestamp, role / },
  'mapping/zh-custom.csv': { encoding: 'utf8', format: 'csv', note: null, messages: 0, skips: 0, fileError: /^header row has no column for conversationId, role / },
  'nightly/2026-11-27.jsonl': { encoding: 'utf8', format: 'jsonl', note: null, messages: null, skips: null },
  'nightly/2026-11-28.jsonl': { encoding: 'utf8', format: 'jsonl', note: null, messages: null, skips: null },
  'transcript/one-chat.json': { encoding: 'utf8', format: 'json', note: null, messages: null, skips: null },
};

/** Files beside the exports that are not chat exports; directory discovery must leave them out. */
const NOT_EXPORTS = new Set([
  'EXPECTED.md',
  'README.md',
  'encodings/README.md',
  'formats/README.md',
  'formats/SOURCES.md',
  'formats/telegram/roles.yaml',
  'formats/slack/export/channels.json',
  'formats/slack/export/users.json',
  'mapping/README.md',
  'mapping/nested.map.yaml',
  'mapping/role-by-key.map.yaml',
  'mapping/time-only.map.yaml',
  'mapping/us-export.map.yaml',
  'mapping/zh-custom.map.yaml',
]);

/** Folders other suites own and test for themselves (hostile input is refused on purpose). */
const OWNED_ELSEWHERE = ['hostile/', 'compressed/'];

function allFixtures(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(fixture(''), path).split(sep).join('/'));
    }
  };
  walk(fixture(''));
  // Expected outputs (*.expected) sit beside the fixtures they check; no reader takes them.
  return out.filter((f) => !OWNED_ELSEWHERE.some((dir) => f.startsWith(dir)) && !f.endsWith('.expected'));
}

describe('every fixture is sniffed right: format and encoding', () => {
  it('has an expectation for every file under fixtures/', () => {
    const unknown = allFixtures().filter((f) => !(f in EXPORTS) && !NOT_EXPORTS.has(f));
    expect(unknown, 'add new fixtures to EXPORTS or NOT_EXPORTS in this test').toEqual([]);
  });

  it.each(Object.entries(EXPORTS))('%s', async (path, expected) => {
    const result = await readFixture(path, { timezone: 'UTC' });
    expect(result.formats).toEqual([expected.format]);
    expect(result.notes).toEqual(expected.note === null ? [] : [expected.note]);
    const told = await readFixture(path, { timezone: 'UTC', encoding: expected.encoding });
    expect(told.notes).toEqual([]);
    expect(result.messages).toEqual(told.messages);
    expect(result.skips).toEqual(told.skips);
    if (expected.messages === null) expect(result.messages.length).toBeGreaterThan(0);
    else expect(result.messages).toHaveLength(expected.messages);
    if (expected.skips !== null) expect(result.skips).toHaveLength(expected.skips);
    if (expected.fileError) {
      expect(result.fileErrors).toHaveLength(1);
      expect(result.fileErrors[0]).toMatch(expected.fileError);
    } else {
      expect(result.fileErrors).toEqual([]);
    }
  });

  it('discovers exactly the exports when fixtures/ is given as a directory', async () => {
    const found = (await discoverFiles([join(ROOT, 'fixtures')])).map((f) => relative(fixture(''), f).split(sep).join('/'));
    const expected = Object.keys(EXPORTS).sort();
    expect(found.filter((f) => !OWNED_ELSEWHERE.some((dir) => f.startsWith(dir)))).toEqual(expected);
  });
});
