import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkConversation, isoTimestamp } from '../../src/engine/apply-rules.js';
import { conversationEntry, policyOf } from '../../src/engine/aggregate.js';
import { ConversationCollector, EvictingGrouper, lineWindow, type Grouped, type LineWindow } from '../../src/engine/group.js';
import type { CompiledRule } from '../../src/config/ruleset.js';
import type { Conversation, Message } from '../../src/model/message.js';
import type { Finding } from '../../src/model/report.js';
import { keyedByInput } from '../../src/model/records.js';
import { scoreFindings } from '../../src/engine/score.js';
import type { RawFinding } from '../../src/rules/kind.js';
import { forbiddenPhrase } from '../../src/rules/kinds/forbidden-phrase.js';
import { renderTemplate } from '../../src/text/template.js';

// The fast paths of checking a conversation, each held against the plain code it replaced.

const BASE = Date.UTC(2026, 10, 27, 2, 0, 0);

function message(i: number, role: Message['role'], file: string, line: number | null, agent?: [string, string | undefined]): Message {
  return {
    conversationId: 'c1',
    timestamp: BASE + i * 1000,
    role,
    text: `text ${i}`,
    source: { file, line, record: i + 1 },
    ...(agent ? { agentId: agent[0], ...(agent[1] !== undefined ? { agentName: agent[1] } : {}) } : {}),
  };
}

const messageArb = fc
  .record({
    role: fc.constantFrom<Message['role']>('agent', 'customer', 'bot'),
    file: fc.constantFrom('a.jsonl', 'b.jsonl', 'c.jsonl'),
    line: fc.option(fc.integer({ min: 0, max: 50 }), { freq: 6 }),
    agent: fc.constantFrom('7', '8', '9', 'constructor'),
    name: fc.option(fc.constantFrom('安琪', 'Bo'), { nil: undefined }),
  })
  .map(({ role, file, line, agent, name }) => ({ role, file, line, agent: role === 'agent' ? ([agent, name] as [string, string | undefined]) : undefined }));

const conversationArb = fc.array(messageArb, { minLength: 1, maxLength: 12 }).map(
  (specs): Conversation => ({
    id: 'c1',
    messages: specs.map((s, i) => message(i, s.role, s.file, s.line, s.agent)),
    meta: {},
  }),
);

/** A rule whose checker reports the given raw findings, in the order given. */
function fakeRule(id: string, raws: RawFinding[]): CompiledRule {
  const kind = forbiddenPhrase as unknown as CompiledRule['kind'];
  return {
    rule: { id, kind: 'forbidden-phrase', severity: 'warning', role: 'agent', enabled: true, critical: false, points: 2, maxPoints: 5 },
    kind,
    checker: () => raws,
  };
}

/** checkConversation as it was: every finding wrapped with its rule's order, then one stable sort. */
function referenceOrder(rules: CompiledRule[], conversation: Conversation): Array<[ruleId: string, messageIndex: number, offset: number | null]> {
  const wrapped: Array<{ finding: [string, number, number | null]; ruleOrder: number }> = [];
  rules.forEach((compiled, ruleOrder) => {
    for (const raw of compiled.checker(conversation, { announcedWaits: [] })) {
      wrapped.push({ finding: [compiled.rule.id, raw.messageIndex, raw.offset ?? null], ruleOrder });
    }
  });
  wrapped.sort((a, b) => a.finding[1] - b.finding[1] || a.ruleOrder - b.ruleOrder || (a.finding[2] ?? 0) - (b.finding[2] ?? 0));
  return wrapped.map((w) => w.finding);
}

describe('checkConversation order', () => {
  it('puts findings in message, rule, offset order, keeping ties in the order made (as one stable sort did)', () => {
    fc.assert(
      fc.property(
        conversationArb,
        fc.array(fc.array(fc.record({ at: fc.nat(), offset: fc.option(fc.nat({ max: 6 }), { nil: undefined }), tag: fc.nat({ max: 3 }) }), { maxLength: 6 }), {
          maxLength: 4,
        }),
        (conversation, perRule) => {
          const n = conversation.messages.length;
          const rules = perRule.map((raws, r) =>
            fakeRule(
              `r${r}`,
              raws.map(({ at, offset, tag }) => ({ messageIndex: at % n, ...(offset !== undefined ? { offset } : {}), match: `m${tag}` })),
            ),
          );
          const found = checkConversation(rules, conversation).map((f): [string, number, number | null] => [f.ruleId, f.messageIndex, f.offset]);
          expect(found).toEqual(referenceOrder(rules, conversation));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('keeps the order of findings a rule reports out of order, when they tie', () => {
    const conversation: Conversation = { id: 'c1', messages: [message(0, 'agent', 'a', 1, ['7', undefined]), message(1, 'agent', 'a', 2, ['7', undefined])], meta: {} };
    const rules = [fakeRule('a', [{ messageIndex: 1, match: 'x' }, { messageIndex: 0, match: 'y' }, { messageIndex: 1, match: 'z' }]), fakeRule('b', [{ messageIndex: 0, match: 'w' }])];
    expect(checkConversation(rules, conversation).map((f) => `${f.ruleId}:${f.match}`)).toEqual(['a:y', 'b:w', 'a:x', 'a:z']);
  });

  it('fills placeholders from a finding’s data over the common values', () => {
    expect(renderTemplate('{ruleId} {match} {count} {nope}', { ruleId: 'r', match: 'm' }, { match: 'data wins', count: 3 })).toBe('r data wins 3 {nope}');
    expect(renderTemplate('{toString}', { ruleId: 'r' }, {})).toBe(renderTemplate('{toString}', { ruleId: 'r' }));
  });
});

/** conversationEntry's per-conversation tallies as they were computed with Maps. */
function referenceTallies(conversation: Conversation, findings: Finding[], policy: ReturnType<typeof policyOf>) {
  const agentMessages: Array<[string, string | null, number]> = [];
  const position = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const m of conversation.messages) {
    byFile.set(m.source.file, (byFile.get(m.source.file) ?? 0) + 1);
    if (m.role !== 'agent' || m.agentId === undefined) continue;
    const at = position.get(m.agentId);
    if (at === undefined) {
      position.set(m.agentId, agentMessages.length);
      agentMessages.push([m.agentId, m.agentName ?? null, 1]);
    } else {
      const entry = agentMessages[at] as [string, string | null, number];
      entry[1] ??= m.agentName ?? null;
      entry[2]++;
    }
  }
  const agentScores = keyedByInput<number>();
  const agentCritical: boolean[] = [];
  for (const [agentId] of agentMessages) {
    const own = scoreFindings(findings.filter((f) => f.agentId === agentId), policy);
    agentScores[agentId] = own.score;
    agentCritical.push(own.critical);
  }
  const first = conversation.messages[0];
  return { agentMessages, messagesByFile: [...byFile], agentScores, agentCritical, startedAt: first ? new Date(first.timestamp).toISOString() : '' };
}

describe('conversationEntry tallies', () => {
  const policy = policyOf({ base: 100, passMark: 80, rules: [['r', { points: 5, maxPoints: 15, critical: false }], ['bad', { critical: true }]] });

  it('counts files, agents and agent scores as the Map-based tally did', () => {
    fc.assert(
      fc.property(conversationArb, fc.array(fc.record({ rule: fc.constantFrom('r', 'bad'), agent: fc.constantFrom('7', '8', '9', 'constructor', null) }), { maxLength: 5 }), (conversation, specs) => {
        const findings = specs.map(
          ({ rule, agent }, i): Finding => ({
            ruleId: rule,
            kind: 'forbidden-phrase',
            severity: 'error',
            agentId: agent,
            agentName: null,
            conversationId: 'c1',
            messageIndex: i % conversation.messages.length,
            timestamp: '',
            message: '',
            match: null,
            offset: null,
            seconds: null,
            excerpt: '',
            source: { file: 'a.jsonl', line: null, record: 1 },
          }),
        );
        const entry = conversationEntry(conversation, findings, [], policy);
        const expected = referenceTallies(conversation, findings, policy);
        const files = new Set(conversation.messages.map((m) => m.source.file));
        // Told the one file (as grouping tells it), the entry is the same.
        if (files.size === 1) expect(conversationEntry(conversation, findings, [], policy, [], [...files][0])).toEqual(entry);
        expect(entry.agentMessages).toEqual(expected.agentMessages);
        expect(entry.messagesByFile).toEqual(expected.messagesByFile);
        expect(entry.summary.agentScores).toEqual(expected.agentScores);
        expect(entry.agentCritical).toEqual(expected.agentCritical);
        expect(entry.summary.startedAt).toBe(expected.startedAt);
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});

describe('grouping from notes', () => {
  it('the evicting grouper hands out what the collector does: order, duplicates, meta; and the one file when there is one', () => {
    const recordArb = fc.record({
      conversation: fc.constantFrom('c1', 'c2', 'c3'),
      second: fc.integer({ min: 0, max: 6 }),
      role: fc.constantFrom<Message['role']>('agent', 'customer'),
      text: fc.constantFrom('好', '在吗', '好'),
      file: fc.constantFrom('a.jsonl', 'a.jsonl', 'b.jsonl'),
      meta: fc.option(fc.constantFrom({ team: 'x' }, { team: 'y', queue: 'q' }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 30 }), fc.boolean(), (records, evict) => {
        const messages = (): Message[] =>
          records.map((r, i) => ({
            conversationId: r.conversation,
            timestamp: BASE + r.second * 1000,
            role: r.role,
            ...(r.role === 'agent' ? { agentId: '7' } : {}),
            text: r.text,
            source: { file: r.file, line: i + 1, record: i + 1 },
            ...(r.meta ? { meta: r.meta } : {}),
          }));
        const shape = (g: Grouped) => ({
          id: g.conversation.id,
          records: g.conversation.messages.map((m) => m.source.record),
          meta: { ...g.conversation.meta },
          duplicates: g.duplicates.map((d) => [d.copy.source.record, d.original.source.record]),
        });
        const collector = new ConversationCollector(Infinity);
        for (const m of messages()) collector.add(m);
        const expected = new Map([...collector.drain()].map((g) => [g.conversation.id, shape(g)]));
        const got = new Map<string, ReturnType<typeof shape>>();
        const grouper = new EvictingGrouper(evict ? 2000 : Infinity, (g) => {
          got.set(g.conversation.id, shape(g));
          const files = new Set([...g.conversation.messages, ...g.duplicates.map((d) => d.copy)].map((m) => m.source.file));
          expect(g.file).toBe(files.size === 1 ? [...files][0] : undefined);
        }, () => undefined);
        const reopened = new Set<string>();
        const all = messages();
        const tracking = new EvictingGrouper(evict ? 2000 : Infinity, () => undefined, (id) => reopened.add(id));
        for (const m of all) tracking.add({ ...m });
        for (const m of messages()) grouper.add(m);
        grouper.finish();
        // A conversation that reopened is checked again whole elsewhere: compare the rest.
        for (const [id, shaped] of expected) if (!reopened.has(id)) expect(got.get(id)).toEqual(shaped);
      }),
      { numRuns: 400, seed: 9 },
    );
  });
});

describe('messages held as fields', () => {
  // The grouper holds most messages as their fields and makes them again: what it hands out must be the
  // reader's messages, field for field, whatever the order, files, agents, metadata or reply links.
  const recordArb = fc.record({
    conversation: fc.constantFrom('c1', 'c2', 'c3', 'c4'),
    second: fc.integer({ min: 0, max: 5 }),
    role: fc.constantFrom<Message['role']>('agent', 'customer', 'bot', 'system'),
    agentId: fc.option(fc.constantFrom('7', '8', 'constructor'), { nil: undefined }),
    agentName: fc.option(fc.constantFrom('安琪', 'Bo'), { nil: undefined }),
    text: fc.constantFrom('好', '在吗', '', '好'),
    file: fc.constantFrom('a.jsonl', 'a.jsonl', 'a.jsonl', 'b.jsonl'),
    line: fc.option(fc.oneof(fc.nat(40), fc.constant(-1)), { freq: 5 }),
    record: fc.oneof(fc.nat(40), fc.constant(2 ** 48), fc.constant(2 ** 48 + 1), fc.constant(1.5)),
    extra: fc.constantFrom<'none' | 'meta' | 'reply'>('none', 'none', 'none', 'meta', 'reply'),
  });
  const readerMessage = (r: typeof recordArb extends fc.Arbitrary<infer T> ? T : never): Message => ({
    conversationId: r.conversation,
    timestamp: BASE + r.second * 1000,
    role: r.role,
    text: r.text,
    source: { file: r.file, line: r.line, record: r.record },
    agentId: r.agentId,
    agentName: r.agentName,
    meta: r.extra === 'meta' ? { team: 'x' } : undefined,
    ...(r.extra === 'reply' ? { id: 'm1', replyTo: 'm0' } : {}),
  });
  /** Every field as the report and the rules can tell them (undefined and absent alike). */
  const fields = (m: Message) => ({ ...m, source: { ...m.source } });

  it('hands out the messages the collector does, field for field, evicted, reopened or at the end', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 40 }), fc.constantFrom(0, 900, 3000, Infinity), (records, budget) => {
        const collector = new ConversationCollector(Infinity);
        for (const r of records) collector.add(readerMessage(r));
        const expected = new Map([...collector.drain()].map((g) => [g.conversation.id, g]));
        const got = new Map<string, Grouped>();
        const reopened = new Set<string>();
        const grouper = new EvictingGrouper(budget, (g) => got.set(g.conversation.id, g), (id) => reopened.add(id));
        for (const r of records) grouper.add(readerMessage(r));
        grouper.finish();
        // Handed out at the end, they come ordered by first message, then id, as the collector orders them.
        if (budget === Infinity) expect([...got.keys()]).toEqual([...expected.keys()]);
        for (const [id, want] of expected) {
          if (reopened.has(id)) continue;
          const have = got.get(id) as Grouped;
          expect(have.conversation.messages.map(fields)).toEqual(want.conversation.messages.map(fields));
          expect(have.duplicates.map((d) => [fields(d.copy), fields(d.original)])).toEqual(want.duplicates.map((d) => [fields(d.copy), fields(d.original)]));
          expect({ ...have.conversation.meta }).toEqual({ ...want.conversation.meta });
        }
      }),
      { numRuns: 500, seed: 17 },
    );
  });

  it('makes them with the reader’s keys in its order', () => {
    const read = (record: number): Message => ({
      conversationId: 'c1',
      timestamp: BASE + record,
      role: 'agent',
      text: 'hi',
      source: { file: 'a.jsonl', line: record, record },
      agentId: '7',
      agentName: undefined,
      meta: undefined,
    });
    const handed: Message[] = [];
    const grouper = new EvictingGrouper(Infinity, (g) => handed.push(...g.conversation.messages), () => undefined);
    for (const record of [1, 2, 3]) grouper.add(read(record));
    grouper.finish();
    expect(handed.map((m) => Object.keys(m))).toEqual([1, 2, 3].map((record) => Object.keys(read(record))));
    expect(handed.map((m) => Object.keys(m.source))).toEqual([1, 2, 3].map(() => ['file', 'line', 'record']));
  });
});

describe('line windows', () => {
  it("the grouper's window agrees with lineWindow over every record of the conversation, duplicates too", () => {
    fc.assert(
      fc.property(fc.array(messageArb, { minLength: 1, maxLength: 10 }), fc.array(fc.nat(9), { maxLength: 3 }), fc.boolean(), (specs, copied, evict) => {
        const read = specs.map((s, i) => message(i, s.role, s.file, s.line, s.agent));
        // Exact copies read after the rest: left out of the conversation as duplicates, their lines still count.
        const copies = copied.filter((i) => i < read.length).map((i) => ({ ...(read[i] as Message), source: { file: 'd.jsonl', line: 60 + i, record: 99 } }));
        const windows: LineWindow[] = [];
        const all = [...read, ...copies];
        // A budget its last message goes past checks the conversation there (eviction), else at the end (finish).
        const bytes = all.reduce((sum, m) => sum + m.text.length * 2 + 320, 0);
        const grouper = new EvictingGrouper(evict ? bytes - 1 : Infinity, (_grouped, window) => windows.push(window), () => undefined);
        for (const m of all) grouper.add(m);
        grouper.finish();
        const expected = lineWindow(all);
        expect(windows).toHaveLength(1);
        const got = windows[0] as LineWindow;
        // 0 first: not known (the whole input is read again); the end then says nothing.
        if (expected[0] === 0) expect(got[0]).toBe(0);
        else expect(got).toEqual(expected);
      }),
      { numRuns: 400, seed: 5 },
    );
  });
});

describe('finding times', () => {
  it('writes what Date#toISOString writes, from the epoch to year 9999 and around it', () => {
    const ms = fc.oneof(fc.integer({ min: 0, max: 253_402_300_799_999 }), fc.integer({ min: BASE - 86_400_000, max: BASE + 86_400_000 }), fc.double({ min: 0, max: 2e12, noNaN: true }));
    fc.assert(
      fc.property(ms, (at) => {
        expect(isoTimestamp(at)).toBe(new Date(at).toISOString());
      }),
      { numRuns: 2000, seed: 23 },
    );
    for (const at of [0, 999, 1000, 59_999, 86_399_999, 86_400_000, BASE, 253_402_300_799_999]) expect(isoTimestamp(at)).toBe(new Date(at).toISOString());
  });
});
