import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readBytes } from '../helpers/reading.js';

/** These readers are tested on UTF-8 as declared (--encoding utf8), not as detected. */
const readText: typeof readBytes = (label, content, options = {}, ...rest) => readBytes(label, content, { encoding: 'utf8', ...options }, ...rest);

const line = (o: object) => JSON.stringify(o);
const iso = (ms: number) => new Date(ms).toISOString();

describe('JSON Lines', () => {
  it('reads message objects with synonym field names and role values', async () => {
    const text = [
      line({ chat_id: 'c1', created_at: '2026-11-27 10:00:00', sender_type: 'visitor', content: '在吗' }),
      line({ 会话ID: 'c1', 发送时间: '2026-11-27 10:00:30', 角色: '客服', 工号: '1024', 客服昵称: '小美', 消息内容: '您好' }),
      line({ sessionId: 'c1', sent_at: 1795744845, from: 'robot', body: '转人工' }),
      line({ conversationId: 'c1', time: '2026-11-27T02:01:00Z', role: 'Staff', agentId: 1031, message: 'ok', team: 'after-sales' }),
    ].join('\n');
    const { messages, skips, formats } = await readText('a.jsonl', text);
    expect(skips).toEqual([]);
    expect(formats).toEqual(['jsonl']);
    expect(messages.map((m) => [m.role, m.agentId, m.text, iso(m.timestamp)])).toEqual([
      ['customer', undefined, '在吗', '2026-11-27T02:00:00.000Z'],
      ['agent', '1024', '您好', '2026-11-27T02:00:30.000Z'],
      ['bot', undefined, '转人工', '2026-11-27T02:00:45.000Z'],
      ['agent', '1031', 'ok', '2026-11-27T02:01:00.000Z'],
    ]);
    expect(messages[1]?.agentName).toBe('小美');
    expect(messages[3]?.meta).toEqual({ team: 'after-sales' });
    expect(messages.map((m) => m.source.line)).toEqual([1, 2, 3, 4]);
  });

  it('reads one conversation object per line; messages inherit its fields', async () => {
    const text = line({ id: 'c9', channel: 'app', agent_id: '2048', messages: [
      { timestamp: '2026-11-27 10:00:00', role: 'customer', text: 'q' },
      { timestamp: '2026-11-27 10:00:10', role: 'agent', text: 'a' },
    ] });
    const { messages } = await readText('b.ndjson', text);
    expect(messages.map((m) => [m.conversationId, m.role, m.agentId, m.meta?.channel, m.source.line, m.source.record])).toEqual([
      ['c9', 'customer', undefined, 'app', 1, 1],
      ['c9', 'agent', '2048', 'app', 1, 2],
    ]);
  });

  it('skips unusable lines with line and reason, ignores blank lines, strips a BOM, reads a last line without newline', async () => {
    const text = [
      `\uFEFF${line({ conversation_id: 'c1', timestamp: '2026-11-27 10:00:00', role: 'customer', text: 'q' })}`,
      '{"conversation_id": "c1", broken',
      '',
      line({ conversation_id: 'c1', role: 'customer', text: 'no time' }),
      line({ timestamp: '2026-11-27 10:00:00', role: 'customer', text: 'no conversation' }),
      line({ conversation_id: 'c1', timestamp: '2026-11-27 10:00:00', role: 'alien', text: 'x' }),
      line({ conversation_id: 'c1', timestamp: 'next tuesday', role: 'agent', text: 'x' }),
      '   ',
      '[1, 2]',
      line({ conversation_id: 'c1', timestamp: '2026-11-27 10:00:05', role: 'agent', agent_id: '7', text: 'a' }),
    ].join('\r\n');
    const { messages, skips } = await readText('c.jsonl', text);
    expect(messages.map((m) => m.source.line)).toEqual([1, 10]);
    expect(skips.map((s) => [s.line, s.reason.replace(/:.*/, '')])).toEqual([
      [2, 'invalid JSON'],
      [4, 'missing timestamp'],
      [5, 'missing conversation id'],
      [6, 'unknown role "alien"'],
      [7, 'unparseable timestamp "next tuesday"'],
      [9, 'expected a message object, found a number'],
      [9, 'expected a message object, found a number'],
    ]);
  });

  it('skips a line that is not valid UTF-8, and one over the length limit, without stopping', async () => {
    const good = line({ conversation_id: 'c1', timestamp: '2026-11-27 10:00:00', role: 'customer', text: 'q' });
    const long = line({ conversation_id: 'c1', timestamp: 1, role: 'customer', text: 'x'.repeat(500) });
    const bytes = Buffer.concat([
      Buffer.from(`${good}\n{"conversation_id":"c1","text":"`), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n'),
      Buffer.from(`${long}\n`),
      Buffer.from(good),
    ]);
    const { messages, skips } = await readText('d.jsonl', bytes, { maxLineBytes: 300 });
    expect(messages).toHaveLength(2);
    expect(skips.map((s) => [s.line, s.reason])).toEqual([
      [2, 'not valid UTF-8 text (try --encoding)'],
      [3, `line is ${long.length} bytes, over the limit of 300 (--max-line-bytes)`],
    ]);
  });

  it('reads GBK when told to', async () => {
    const utf8 = `${line({ 会话ID: 'c1', 时间: '2026-11-27 10:00:00', 角色: '客服', 工号: '1', 内容: '您好，云客服1为您服务' })}\n`;
    const gbk = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: utf8 });
    const asUtf8 = await readText('e.jsonl', gbk);
    expect(asUtf8.skips[0]?.reason).toMatch(/not valid UTF-8/);
    const { messages } = await readText('e.jsonl', gbk, { encoding: 'gbk' });
    expect(messages[0]?.text).toBe('您好，云客服1为您服务');
  });
});

describe('JSON documents', () => {
  const conv = (id: string) => ({ id, messages: [
    { timestamp: '2026-11-27T10:00:00+08:00', role: 'customer', text: 'q' },
    { timestamp: '2026-11-27T10:00:20+08:00', role: 'agent', agent_id: '1', text: 'a' },
  ] });

  it.each([
    ['an array of messages', [{ conversation_id: 'x', timestamp: 1795744800, role: 'customer', text: 'q' }], ['x']],
    ['an array of conversations', [conv('a'), conv('b')], ['a', 'a', 'b', 'b']],
    ['{"conversations": [...]}', { exportedAt: 'now', conversations: [conv('a')] }, ['a', 'a']],
    ['one conversation object', conv('solo'), ['solo', 'solo']],
  ])('reads %s', async (_name, value, ids) => {
    const { messages, skips, formats } = await readText('t.json', JSON.stringify(value, null, 2));
    expect(formats).toEqual(['json']);
    expect(skips).toEqual([]);
    expect(messages.map((m) => m.conversationId)).toEqual(ids);
    expect(messages.map((m) => m.source.record)).toEqual(ids.map((_, i) => i + 1));
  });

  it('reports a JSON file that does not parse as a file error', async () => {
    const { fileErrors } = await readText('bad.json', '{"id": "x", "messages": [');
    expect(fileErrors[0]).toMatch(/^invalid JSON/);
  });
});

describe('CSV and TSV', () => {
  it('reads Chinese headers, quoted commas, quotes and line breaks, with the first line of each record', async () => {
    const text = [
      '会话ID,发送时间,角色,客服工号,客服昵称,消息内容',
      'c1,2026-11-27 10:00:00,客户,,,"你好，我想问一下,订单"',
      'c1,2026-11-27 10:00:40,客服,1024,小美,"您好，云客服1024为您服务',
      '请问有什么可以帮您？"',
      'c1,2026-11-27 10:01:00,客户,,,"他说""不行"""',
    ].join('\r\n');
    const { messages, skips, formats } = await readText('x.csv', `\uFEFF${text}\r\n`);
    expect(formats).toEqual(['csv']);
    expect(skips).toEqual([]);
    expect(messages.map((m) => [m.source.line, m.role, m.agentId ?? '', m.text])).toEqual([
      [2, 'customer', '', '你好，我想问一下,订单'],
      [3, 'agent', '1024', '您好，云客服1024为您服务\r\n请问有什么可以帮您？'],
      [5, 'customer', '', '他说"不行"'],
    ]);
  });

  it('skips ragged rows and rows with missing fields, and carries extra columns as meta', async () => {
    const text = [
      'conversation_id,timestamp,role,agent_id,text,queue',
      'c1,2026-11-27 10:00:00,customer,,q,vip',
      'c1,2026-11-27 10:00:05,agent,1,a',
      ',2026-11-27 10:00:06,agent,1,a,vip',
      'c1,,agent,1,a,vip',
      'c1,2026-11-27 10:00:07,agent,1,a,vip,extra',
    ].join('\n');
    const { messages, skips } = await readText('y.csv', text);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.meta).toEqual({ queue: 'vip' });
    expect(skips.map((s) => [s.line, s.reason])).toEqual([
      [3, 'row has 5 fields, header has 6'],
      [4, 'missing conversation id'],
      [5, 'missing timestamp'],
      [6, 'row has 7 fields, header has 6'],
    ]);
  });

  it('keys rows by the header as csv-parse columns did: a repeated name keeps its first place with the last value, __proto__ is data', async () => {
    const text = ['conversation_id,timestamp,role,team,__proto__,team,text', 'c1,2026-11-27 10:00:00,customer,a,p,b,q'].join('\n');
    const { messages } = await readText('k.csv', text);
    const meta = messages[0]?.meta ?? {};
    expect(Object.entries(meta)).toEqual([['team', 'b'], ['__proto__', 'p']]);
    expect(Object.getPrototypeOf(meta) === null || Object.getPrototypeOf(meta) === Object.prototype).toBe(true);
  });

  it('refuses a file whose first row is not a recognisable header', async () => {
    const { fileErrors } = await readText('z.csv', 'c1,2026-11-27 10:00:00,customer,q\n');
    expect(fileErrors[0]).toMatch(/header row has no column for conversationId, timestamp, role/);
  });

  it('reads TSV by extension and by content', async () => {
    const text = 'conversation_id\ttimestamp\trole\ttext\nc1\t2026-11-27 10:00:00\tcustomer\thello, world\n';
    expect((await readText('t.tsv', text)).messages[0]?.text).toBe('hello, world');
    expect((await readText('<stdin>', text)).formats).toEqual(['tsv']);
  });
});

describe('format detection from content', () => {
  it('tells JSON Lines, JSON and CSV apart on standard input', async () => {
    const jsonl = `${line({ conversation_id: 'c', timestamp: 1, role: 'customer', text: 'q' })}\n`;
    expect((await readText('<stdin>', jsonl + jsonl)).formats).toEqual(['jsonl']);
    expect((await readText('<stdin>', jsonl)).formats).toEqual(['json']);
    expect((await readText('<stdin>', `[\n${jsonl}]`)).formats).toEqual(['json']);
    expect((await readText('<stdin>', 'conversation_id,timestamp,role,text\n')).formats).toEqual(['csv']);
  });
});
