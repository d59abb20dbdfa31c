import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRuleText } from '../../src/config/compile.js';
import { loadInputMap, mergeInputSections } from '../../src/config/input-section.js';
import { ConfigError } from '../../src/errors.js';
import { InputMapping } from '../../src/input/mapping.js';
import type { InputSection } from '../../src/input/schema.js';
import { chatlint, tempDir } from '../helpers/cli.js';
import { fixture, readBytes, readFixture, row } from '../helpers/reading.js';

const mapping = (section: InputSection) => InputMapping.compile(section);
const mapFile = (name: string) => mapping(loadInputMap(fixture(`mapping/${name}`)));
const configProblems = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('column mapping for CSV', () => {
  it('reads zh-custom.csv with its map: mapped columns, role values and timeFormat', async () => {
    const { messages, skips, formats, fileErrors } = await readFixture('mapping/zh-custom.csv', { mapping: mapFile('zh-custom.map.yaml') });
    expect(fileErrors).toEqual([]);
    expect(formats).toEqual(['csv']);
    expect(messages.map(row)).toEqual([
      ['W-001', '2026-11-27T15:58:40Z', 'customer', null, '你好，我的订单还没到'],
      ['W-001', '2026-11-27T15:59:30Z', 'bot', null, '正在为您转接人工'],
      ['W-001', '2026-11-27T16:00:50Z', 'agent', '1024', '您好，云客服1024为您服务'],
      ['W-001', '2026-11-27T16:01:10Z', 'customer', null, '单号是 SF1234, 麻烦了'],
      ['W-001', '2026-11-27T16:03:20Z', 'agent', '1024', '已为您查询到'],
      ['W-002', '2026-11-28T01:00:00Z', 'customer', null, '在吗'],
      ['W-002', '2026-11-28T04:00:30Z', 'agent', '2048', '在的'],
    ]);
    expect(messages.map((m) => m.source.line)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(messages[2]?.agentName).toBe('小美');
    // 时间 is a built-in timestamp name, but the mapped 记录时间 wins; 时间 is kept as metadata, mapped columns are not.
    expect(messages[0]?.meta).toEqual({ 时间: '2026/11/27 23:58', 渠道: 'app' });
    expect(skips.map((s) => [s.line, s.reason])).toEqual([
      [9, 'unknown role "客户经理"'],
      [10, 'timestamp "2026/11/28 下午13:01:00" does not match input.timeFormat "YYYY/MM/DD ah:mm:ss"'],
    ]);
  });

  it('refuses zh-custom.csv without the map, saying which fields it cannot find', async () => {
    const { messages, fileErrors } = await readFixture('mapping/zh-custom.csv');
    expect(messages).toEqual([]);
    expect(fileErrors).toEqual([
      'header row has no column for conversationId, role (found: 工单号, 时间, 记录时间, 身份, 坐席编号, 坐席, 聊天内容, 渠道); is the header missing, or do the columns need mapping?',
    ]);
  });

  it('reads us-export.csv: month-first 12-hour times in New York, across midnight and the spring-forward night', async () => {
    const { messages, skips } = await readFixture('mapping/us-export.csv', { timezone: 'America/New_York', mapping: mapFile('us-export.map.yaml') });
    expect(messages.map(row)).toEqual([
      ['T-100', '2026-11-28T04:58:00Z', 'customer', null, 'Hi my order is late'],
      ['T-100', '2026-11-28T05:00:00Z', 'agent', 'A17', 'Hello, this is agent A17'],
      ['T-100', '2026-11-28T17:30:00Z', 'agent', 'A17', 'Anything else?'],
      ['T-100', '2026-11-28T18:05:00Z', 'customer', null, 'No thanks'],
      ['T-101', '2026-03-08T06:59:00Z', 'customer', null, 'Is anyone there?'],
      ['T-101', '2026-03-08T07:00:00Z', 'agent', 'A23', 'Yes, agent A23 here'],
      // 02:30 does not exist in New York that night; like luxon (and JavaScript's Date), it is read an hour on.
      ['T-101', '2026-03-08T07:30:00Z', 'agent', 'A23', '(a time that does not exist in New York)'],
    ]);
    expect(skips.map((s) => [s.line, s.reason])).toEqual([[9, 'timestamp "13/08/2026 3:00 AM" does not match input.timeFormat "MM/DD/YYYY h:mm A"']]);
  });

  it('reads time-only.csv: a date column, times of day rolled over midnight, unmapped fields by their built-in names', async () => {
    const { messages, skips } = await readFixture('mapping/time-only.csv', { mapping: mapFile('time-only.map.yaml') });
    expect(messages.map(row)).toEqual([
      ['D-1', '2026-11-27T15:58:40Z', 'customer', null, '还在吗'],
      ['D-1', '2026-11-27T15:59:50Z', 'agent', '1031', '在的，请讲'],
      ['D-1', '2026-11-27T16:00:30Z', 'customer', null, '好的'],
      ['D-1', '2026-11-27T16:02:00Z', 'agent', '1031', '已为您处理'],
      ['D-2', '2026-11-28T00:00:00Z', 'customer', null, '早'],
      ['D-2', '2026-11-28T00:00:20Z', 'agent', '1024', '早上好'],
      ['D-2', '2026-11-28T05:00:00Z', 'customer', null, '下午好'],
    ]);
    expect(messages.every((m) => m.meta === undefined)).toBe(true);
    expect(skips.map((s) => [s.line, s.reason])).toEqual([
      [9, 'timestamp "13:00:10" is a time of day without a date (map a date column in input.columns.date, or set input.date)'],
    ]);
  });

  it('dates time-only rows from input.date, rolling over per conversation', async () => {
    const csv = [
      'chat,at,who,text',
      'a,23:59:00,customer,late question',
      'b,08:00:00,customer,morning',
      'a,00:01:30,agent,answer after midnight',
      'b,08:00:40,agent,hello',
    ].join('\n');
    const m = mapping({ columns: { conversationId: 'chat', timestamp: 'at', role: 'who' }, date: '2026-11-27' });
    const { messages } = await readBytes('t.csv', csv, { timezone: 'UTC', mapping: m });
    expect(messages.map(row)).toEqual([
      ['a', '2026-11-27T23:59:00Z', 'customer', null, 'late question'],
      ['b', '2026-11-27T08:00:00Z', 'customer', null, 'morning'],
      ['a', '2026-11-28T00:01:30Z', 'agent', 'unknown', 'answer after midnight'],
      ['b', '2026-11-27T08:00:40Z', 'agent', 'unknown', 'hello'],
    ]);
  });

  it('puts role lists before the built-in role names, ignoring case and spaces', async () => {
    const csv = ['conversation_id,timestamp,role,text', 'c,2026-11-27 10:00:00, VIP ,q', 'c,2026-11-27 10:00:05,客服,auto reply', 'c,2026-11-27 10:00:09,Staff,a'].join('\n');
    const m = mapping({ roles: { customer: ['vip'], bot: ['客服'] } });
    const { messages } = await readBytes('r.csv', csv, { mapping: m });
    expect(messages.map((x) => x.role)).toEqual(['customer', 'bot', 'agent']);
  });

  it('names the mapped columns a header lacks, and JSON paths given for a CSV', async () => {
    const csv = 'conversation_id,timestamp,role,text\nc,2026-11-27 10:00:00,customer,q\n';
    const missing = await readBytes('m.csv', csv, { mapping: mapping({ columns: { agentId: '坐席工号', text: 'messages[].body' } }) });
    expect(missing.fileErrors).toEqual([
      'the header has no column named in input.columns: agentId → "坐席工号", text → "messages[].body" (a JSON path; CSV columns are named plainly)',
    ]);
  });

  it('matches mapped column names ignoring case, "_", "-" and spaces', async () => {
    const csv = 'Chat ID,Sent At,From Who,Body Text\nc1,2026-11-27 10:00:00,customer,hi\n';
    const m = mapping({ columns: { conversationId: 'chat_id', timestamp: 'sent-at', role: 'FROM WHO', text: 'bodytext' } });
    const { messages } = await readBytes('n.csv', csv, { timezone: 'UTC', mapping: m });
    expect(messages.map(row)).toEqual([['c1', '2026-11-27T10:00:00Z', 'customer', null, 'hi']]);
  });
});

describe('column mapping for JSON', () => {
  it('reads nested.json: events[] as the message list, paths into each message, the id from the conversation', async () => {
    const { messages, skips, formats } = await readFixture('mapping/nested.json', { mapping: mapFile('nested.map.yaml') });
    expect(formats).toEqual(['json']);
    expect(messages.map(row)).toEqual([
      ['N-1', '2026-11-27T02:00:00Z', 'customer', null, '在吗'],
      ['N-1', '2026-11-27T02:00:40Z', 'agent', '1024', '您好，云客服1024为您服务'],
      ['N-1', '2026-11-27T02:02:10Z', 'agent', '1024', '还有什么可以帮您？'],
      ['N-2', '2026-11-27T03:00:00Z', 'customer', null, 'hi'],
      ['N-2', '2026-11-27T03:01:30Z', 'agent', '2048', '您好，云客服2048为您服务'],
    ]);
    expect(messages.map((m) => m.source.record)).toEqual([1, 2, 3, 4, 7]);
    expect(messages[1]?.agentName).toBe('小美');
    expect(messages[0]?.meta).toEqual({ channel: 'web' });
    expect(skips.map((s) => [s.record, s.reason])).toEqual([
      [5, 'unparseable timestamp "soon"'],
      [6, 'missing timestamp (input.columns.timestamp: events[].at)'],
    ]);
  });

  it('reads role-by-key.json: who wrote a message by which key holds the name, the agent key giving the id', async () => {
    const { messages, skips } = await readFixture('mapping/role-by-key.json', { mapping: mapFile('role-by-key.map.yaml') });
    expect(messages.map(row)).toEqual([
      ['K-100', '2026-03-02T09:00:00Z', 'customer', null, '@AcmeHelp my order never arrived'],
      ['K-100', '2026-03-02T09:02:30Z', 'agent', 'AcmeHelp', '@lena_k Sorry to hear that! Can you DM us the order number? ^RB'],
      ['K-100', '2026-03-02T09:03:00Z', 'customer', null, '@AcmeHelp same here'],
      ['K-100', '2026-03-02T09:03:20Z', 'agent', 'AcmeHelp', '@bystander_9 Please DM us too. ^RB'],
      ['K-101', '2026-03-02T10:00:00Z', 'customer', null, '@AcmeHelp hello?'],
      ['K-101', '2026-03-02T10:00:50Z', 'agent', 'AcmeHelp', '@otto Hi! How can we help?'],
    ]);
    expect(skips.map((s) => [s.record, s.reason])).toEqual([[6, 'missing role']]);
  });

  it('refuses nested.json without the map in one line: conversation objects that are not messages', async () => {
    const { messages, skips, fileErrors } = await readFixture('mapping/nested.json');
    expect(messages).toEqual([]);
    expect(skips).toEqual([]);
    expect(fileErrors).toEqual([expect.stringMatching(/^not a chat export chatlint recognises \(it looks like a JSON object with keys exported, conversations, its conversations\[\] objects with keys ticket, channel, events\); map its fields with input.columns/)]);
  });

  it('follows a nested list path in JSON Lines, one conversation per line', async () => {
    const line = (id: string, msgs: object[]) => JSON.stringify({ meta: { id }, data: { items: msgs } });
    const text = [
      line('L-1', [
        { ts: 1795744800, from: { role: 'visitor' }, content: { text: 'q' } },
        { ts: 1795744830, from: { role: 'agent', staff: { no: 7 } }, content: { text: 'a' } },
      ]),
      line('L-2', [{ ts: 1795744900, from: { role: 'visitor' }, content: { text: 'again' } }]),
    ].join('\n');
    const m = mapping({
      columns: { conversationId: 'meta.id', timestamp: 'data.items[].ts', role: 'data.items[].from.role', agentId: 'data.items[].from.staff.no', text: 'data.items[].content.text' },
    });
    const { messages, skips } = await readBytes('l.jsonl', text, { timezone: 'UTC', mapping: m });
    expect(skips).toEqual([]);
    expect(messages.map(row)).toEqual([
      ['L-1', '2026-11-27T02:00:00Z', 'customer', null, 'q'],
      ['L-1', '2026-11-27T02:00:30Z', 'agent', '7', 'a'],
      ['L-2', '2026-11-27T02:01:40Z', 'customer', null, 'again'],
    ]);
    expect(messages.map((x) => [x.source.line, x.source.record])).toEqual([[1, 1], [1, 2], [2, 3]]);
  });

  it('reads dotted paths in flat message arrays, a key with a dot in its name first', async () => {
    const doc = [
      { chat: 'f1', when: '2026-11-27 10:00:00', sender: { kind: 'customer' }, body: 'q' },
      { chat: 'f1', when: '2026-11-27 10:00:20', sender: { kind: 'agent', id: 'A1' }, 'sender.id': 'A1-literal', body: 'a' },
    ];
    const m = mapping({ columns: { conversationId: 'chat', timestamp: 'when', role: 'sender.kind', agentId: 'sender.id' } });
    const { messages } = await readBytes('f.json', JSON.stringify(doc), { timezone: 'UTC', mapping: m });
    expect(messages.map(row)).toEqual([
      ['f1', '2026-11-27T10:00:00Z', 'customer', null, 'q'],
      ['f1', '2026-11-27T10:00:20Z', 'agent', 'A1-literal', 'a'],
    ]);
  });
});

describe('the input section in rule files and --map files', () => {
  it('is carried on the Ruleset, and changes the hash only when present', () => {
    const plain = compileRuleText('name: t\nrules: []\n', 't.yaml');
    const mapped = compileRuleText('name: t\ninput:\n  columns: {text: 消息}\n  agents: [Ann]\nrules: []\n', 't.yaml');
    expect(plain.input).toBeUndefined();
    expect(mapped.input).toEqual({ columns: { text: '消息' }, agents: ['Ann'] });
    expect(mapped.hash).not.toBe(plain.hash);
    expect(compileRuleText('name: t\nrules: []\n', 'other.yaml').hash).toBe(plain.hash);
  });

  it('names file, line and key of every problem in a rule file', () => {
    const text = [
      'name: t', // 1
      'input:', // 2
      '  columns:', // 3
      '    convId: 会话', // 4
      '  timeFormat: yyyy-MM-dd', // 5
      'rules: []', // 6
    ].join('\n');
    expect(configProblems(() => compileRuleText(text, 'team.yaml'))).toEqual(['team.yaml:4: input.columns.convId: unknown key']);
    const semantic = [
      'input:', // 1
      '  columns:', // 2
      '    timestamp: a[].at', // 3
      '    text: b[].text', // 4
      '  roles:', // 5
      '    agent: [坐席]', // 6
      '    bot: [坐席]', // 7
      '  timeFormat: HH:mm A', // 8
      '  date: 2026-02-30', // 9
      '  agentIdFrom:', // 10
      '    pattern: "-(\\\\w+)$"', // 11
    ].join('\n');
    expect(configProblems(() => compileRuleText(semantic, 'team.yaml'))).toEqual([
      'team.yaml:4: input.columns.text: every [] path must name the same message list (a[] above, b[] here)',
      'team.yaml:7: input.roles.bot[0]: "坐席" is already listed under agent',
      'team.yaml:8: input.timeFormat: A (AM/PM) goes with a 12-hour hour: use h or hh, not H in "HH:mm A"',
      'team.yaml:9: input.date: "2026-02-30" is not a date (expected YYYY-MM-DD)',
      'team.yaml:11: input.agentIdFrom.pattern: agent signature pattern "-(\\\\w+)$" has no named group (?<agentId>…)',
    ]);
  });

  it('loads a --map file with the same keys at the top level, and reports its problems by line', () => {
    const dir = tempDir();
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'columns:\n  conversationId: 工单号\ntimeFormat: DD.MM.YYYY HH:mm\n');
    expect(loadInputMap(good)).toEqual({ columns: { conversationId: '工单号' }, timeFormat: 'DD.MM.YYYY HH:mm' });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'columns:\n  conversationId: 工单号\nroles:\n  agent: 坐席\ntimeFormat: DD.MM HH:mm\n');
    expect(configProblems(() => loadInputMap(bad))).toEqual([`${bad}:4: roles.agent: expected an array`]);
    const semantic = join(dir, 'semantic.json');
    writeFileSync(semantic, JSON.stringify({ timeFormat: 'DD.MM HH:mm' }));
    expect(configProblems(() => loadInputMap(semantic))).toEqual([`${semantic}: timeFormat: a date needs a year (YYYY), a month (MM) and a day (DD) in "DD.MM HH:mm"`]);
    expect(configProblems(() => loadInputMap(join(dir, 'missing.yaml')))).toEqual([`${join(dir, 'missing.yaml')}: cannot read map file: ENOENT`]);
  });

  it('merges a --map file over the rule file key by key', () => {
    const rules: InputSection = { columns: { text: '消息' }, timeFormat: 'HH:mm', agentIdFrom: { pattern: '(?<agentId>x)' } };
    expect(mergeInputSections(rules, { columns: { role: '身份' }, date: '2026-11-27' })).toEqual({
      columns: { role: '身份' },
      timeFormat: 'HH:mm',
      date: '2026-11-27',
      agentIdFrom: { pattern: '(?<agentId>x)' },
    });
    expect(mergeInputSections(undefined, rules)).toBe(rules);
    expect(mergeInputSections(rules, undefined)).toBe(rules);
  });
});

describe('the CLI takes the mapping from --map and from the rule file', () => {
  it('checks zh-custom.csv with --map, and refuses a broken map file with exit code 2', async () => {
    const ok = await chatlint(['check', 'fixtures/mapping/zh-custom.csv', '--map', 'fixtures/mapping/zh-custom.map.yaml', '--timezone', 'Asia/Shanghai', '-f', 'json', '--quiet']);
    const report = JSON.parse(ok.stdout);
    expect([report.summary.conversations, report.summary.messages, report.summary.skippedRecords]).toEqual([2, 7, 2]);
    const dir = tempDir({ 'bad.yaml': 'columns:\n  conversationId: 工单号\ntimeFormat: hh:mm\n' });
    const bad = await chatlint(['check', 'fixtures/mapping/zh-custom.csv', '--map', join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`chatlint: ${join(dir, 'bad.yaml')}:3: timeFormat: a 12-hour hour (h or hh) needs A for AM/PM or 上午/下午 in "hh:mm"\n`);
  });

  it('takes input.agents from the rule file as --agents (WhatsApp)', async () => {
    const dir = tempDir({ 'rules.yaml': 'name: wa\ntimezone: UTC\ninput:\n  agents: [Brightline Support]\nrules: []\n' });
    const args = ['check', 'fixtures/formats/whatsapp/us-12h.txt', '-f', 'json', '--quiet'];
    const withAgents = JSON.parse((await chatlint([...args, '--rules', join(dir, 'rules.yaml')])).stdout);
    expect(withAgents.agents.map((a: { agentId: string }) => a.agentId)).toEqual(['Brightline Support']);
    const without = JSON.parse((await chatlint([...args, '--preset', 'en'])).stdout);
    expect(without.agents).toEqual([]);
  });
});
