import { describe, expect, it } from 'vitest';
import { flatHead, HeadReader, printHeadInto, type FlatHead } from '../../src/engine/entry-store.js';
import type { ConversationEntry } from '../../src/engine/entry.js';
import { JsonPrinter, printedText } from '../../src/engine/json-printer.js';
import { printFindings, printFindingsInto, printsByHand } from '../../src/engine/print-finding.js';
import { jsonElements, type Finding } from '../../src/model/report.js';
import { keyedByInput } from '../../src/model/records.js';
import { ADVERSARIAL, pick, randomNumber, randomString, seeded } from '../helpers/random-json.js';

const maybe = <T>(random: () => number, value: () => T): T | null => (random() < 0.3 ? null : value());
const FEW = ['3007', '3008', 'rule-a', 'rule-b', 'error', 'warning', 'info'];

function randomFinding(random: () => number): Finding {
  return {
    ruleId: random() < 0.5 ? pick(random, FEW) : randomString(random),
    kind: randomString(random),
    severity: pick(random, ['error', 'warning', 'info'] as const),
    agentId: maybe(random, () => (random() < 0.7 ? pick(random, FEW) : randomString(random))),
    agentName: maybe(random, () => randomString(random)),
    conversationId: randomString(random),
    messageIndex: random() < 0.8 ? Math.floor(random() * 2000) : randomNumber(random),
    timestamp: randomString(random),
    message: randomString(random),
    match: maybe(random, () => randomString(random)),
    offset: maybe(random, () => randomNumber(random)),
    seconds: maybe(random, () => randomNumber(random)),
    excerpt: randomString(random),
    source: { file: randomString(random), line: maybe(random, () => randomNumber(random)), record: randomNumber(random) },
  };
}

describe('printFindings', () => {
  it('prints random and adversarial findings exactly as jsonElements (JSON.stringify with a gap) does', () => {
    const random = seeded(23);
    for (let i = 0; i < 1500; i++) {
      const findings = Array.from({ length: Math.floor(random() * 4) }, () => randomFinding(random));
      expect(printFindings(findings), JSON.stringify(findings)).toBe(jsonElements(findings));
      for (const finding of findings) expect(printsByHand(finding)).toBe(true);
    }
  });

  it('prints rule ids, kinds, severities and files that recur (printed once, then copied) as JSON.stringify does', () => {
    const random = seeded(31);
    // More rule ids than the printer keeps (it starts over), each met with other kinds and severities now and then.
    const ruleIds = Array.from({ length: 400 }, (_, i) => (i < ADVERSARIAL.length ? (ADVERSARIAL[i] as string) : randomString(random)));
    const kinds = [...Array.from({ length: 3 }, () => randomString(random)), 'forbidden-phrase', 'response-time'];
    const files = [...Array.from({ length: 4 }, () => randomString(random)), '/tmp/night.jsonl', ''];
    for (let i = 0; i < 400; i++) {
      const findings = Array.from({ length: 1 + Math.floor(random() * 12) }, () => ({
        ...randomFinding(random),
        ruleId: pick(random, random() < 0.7 ? ruleIds.slice(0, 12) : ruleIds),
        kind: pick(random, kinds),
        source: { file: pick(random, files), line: Math.floor(random() * 100), record: Math.floor(random() * 100) },
      }));
      expect(printFindings(findings), JSON.stringify(findings)).toBe(jsonElements(findings));
    }
  });

  it('prints runs of findings that share conversation, agent and rule (their start copied from the last one) as JSON.stringify does, in a buffer renewed midway', () => {
    const random = seeded(57);
    const conversations = [...Array.from({ length: 3 }, () => randomString(random)), 'N00000001-22ef'];
    const agents = [null, '3007', '3008', ...Array.from({ length: 2 }, () => randomString(random))];
    const names = [null, '客服3007（安琪）', ...Array.from({ length: 2 }, () => randomString(random))];
    // Rules that share an id or a kind with another (each part of the start must decide).
    const rules = [['rule-a', 'forbidden-phrase', 'error'], ['rule-a', 'forbidden-phrase', 'warning'], ['rule-a', 'response-time', 'error'], ['rule-b', 'forbidden-phrase', 'error'], [randomString(random), randomString(random), 'info']] as const;
    for (let i = 0; i < 600; i++) {
      const conversationId = pick(random, conversations);
      const findings: Finding[] = [];
      for (let n = Math.floor(random() * 14); n > 0; n--) {
        const [ruleId, kind, severity] = pick(random, rules);
        const finding = { ...randomFinding(random), ruleId, kind, severity, conversationId: random() < 0.9 ? conversationId : pick(random, conversations) };
        // Mostly the last finding's agent (a copy of its strings now and then, equal but not the same string).
        const previous = findings[findings.length - 1];
        const same = previous !== undefined && random() < 0.7;
        finding.agentId = same ? (random() < 0.5 ? previous.agentId : previous.agentId === null ? null : `${previous.agentId} `.trimEnd()) : pick(random, agents);
        finding.agentName = same && random() < 0.9 ? previous.agentName : pick(random, names);
        // Now and then one of another shape, printed by JSON.stringify between hand-printed ones.
        findings.push(random() < 0.05 ? ({ ...finding, extra: true } as Finding) : finding);
      }
      // The mark past the start of the buffer; the buffer often small, renewed (the text since the mark moved to a new one) as the list grows.
      let buffer = Buffer.alloc(random() < 0.5 ? 64 : 1 << 16);
      const printer = new JsonPrinter(buffer, 0, (least) => (buffer = Buffer.alloc(least + Math.floor(random() * 200))));
      printer.ascii('before');
      printer.mark();
      printFindingsInto(printer, findings);
      expect(printer.bytes.toString('utf8', printer.marked, printer.at), JSON.stringify(findings)).toBe(jsonElements(findings));
    }
  });

  it('prints a finding of any other shape as JSON.stringify does, among hand-printed ones', () => {
    const random = seeded(7);
    const base = () => randomFinding(random);
    const odd: unknown[] = [
      { ...base(), extra: 1 },
      { ...base(), offset: undefined },
      { ...base(), match: 3 },
      { ...base(), messageIndex: '1' },
      { ...base(), source: { file: 'a', line: 1 } },
      { ...base(), source: { line: 1, file: 'a', record: 1 } },
      { ...base(), source: { file: 'a', line: 1, record: 1, column: 2 } },
      { ...base(), toJSON: () => 'x' },
      { ...base(), source: { file: 'a', line: 1, record: 1, toJSON: () => 'y' } },
      Object.fromEntries(Object.entries(base()).reverse()),
    ];
    for (const finding of odd) expect(printsByHand(finding as Finding), JSON.stringify(finding)).toBe(false);
    const mixed = [base(), ...odd, base()] as Finding[];
    expect(printFindings(mixed)).toBe(jsonElements(mixed));
  });
});

describe('printHeadInto', () => {
  it('prints JSON.stringify(flatHead(entry)) for random entries', () => {
    const random = seeded(31);
    for (let i = 0; i < 1500; i++) {
      const findings = Array.from({ length: Math.floor(random() * 12) }, () => randomFinding(random));
      const agents = Array.from({ length: Math.floor(random() * 4) }, () => (random() < 0.7 ? pick(random, FEW) : randomString(random)));
      const agentScores = keyedByInput<number>();
      for (const agent of agents) if (random() < 0.8) agentScores[agent] = randomNumber(random);
      const entry: ConversationEntry = {
        summary: {
          conversationId: randomString(random),
          agents,
          startedAt: randomString(random),
          messages: Math.floor(random() * 100),
          findings: findings.length,
          score: randomNumber(random),
          passed: random() < 0.5,
          critical: random() < 0.5,
          deductions: keyedByInput<number>(),
          agentScores,
          source: { file: randomString(random) },
        },
        findings,
        waived: random() < 0.2 ? findings.slice(0, 2).map((f) => ({ ...f, waiver: { source: randomString(random), conversationId: f.conversationId, ruleId: f.ruleId, messageIndex: maybe(random, () => 3), reason: 'r', reviewer: null, date: null } })) : [],
        agentMessages: Array.from({ length: Math.floor(random() * 3) }, () => [randomString(random), maybe(random, () => randomString(random)), Math.floor(random() * 50)]),
        agentCritical: agents.map(() => random() < 0.5),
        // Files recur as rule ids do (a head prints each once, then copies it).
        messagesByFile: Array.from({ length: 1 + Math.floor(random() * 2) }, () => [random() < 0.5 ? pick(random, FEW) : randomString(random), Math.floor(random() * 50)]),
        duplicates: random() < 0.2 ? [{ file: randomString(random), line: null, record: 3, reason: randomString(random) }] : [],
      };
      const printed = printedText((printer) => printHeadInto(printer, entry));
      expect(printed).toBe(JSON.stringify(flatHead(entry)));
      // Read back field by field from the bytes, as the report's fold reads it: what JSON.parse reads.
      const bytes = Buffer.from(`\t${printed}\t`);
      expect(readAll(new HeadReader(bytes, 1, bytes.length - 1))).toEqual(JSON.parse(printed));
      const skipping = new HeadReader(bytes, 1, bytes.length - 1);
      skipping.skip(3);
      expect(skipping.number()).toBe(entry.agentMessages.length);
    }
  });
});

/** Every field of a head, in FlatHead's layout, read with a HeadReader. */
function readAll(head: HeadReader): FlatHead {
  const out: FlatHead = [head.number(), head.number(), head.flag() ? 1 : 0];
  const count = (n: number) => (out.push(n), n);
  for (let n = count(head.number()); n > 0; n--) out.push(head.string(), head.name(), head.number());
  out.push(head.number(), head.number(), head.number());
  for (let n = count(head.number()); n > 0; n--) {
    out.push(head.string(), head.name(), head.number());
    for (let rules = count(head.number()); rules > 0; rules--) out.push(head.string(), head.number());
  }
  for (let n = count(head.number()); n > 0; n--) out.push(head.string(), head.number(), head.flag() ? 1 : 0);
  for (let n = count(head.number()); n > 0; n--) out.push(head.string(), head.number());
  out.push(head.skips());
  for (let n = count(head.number()); n > 0; n--) out.push(head.string());
  return out;
}

describe('HeadReader.string', () => {
  it('reads recurring and colliding short strings (decoded once, then recalled) as JSON.parse does', () => {
    const random = seeded(41);
    // More short strings than the reader recalls, so slots are taken over; each read many times, in any order.
    const texts = [...ADVERSARIAL, ...Array.from({ length: 3000 }, () => randomString(random)), 'x'.repeat(32), 'y'.repeat(33), '好'.repeat(10), '好'.repeat(11)];
    for (let round = 0; round < 4; round++) {
      const picked = Array.from({ length: 4000 }, () => pick(random, texts));
      const printed = JSON.stringify(picked);
      const bytes = Buffer.from(`\t${printed}\t`);
      const head = new HeadReader(bytes, 1, bytes.length - 1);
      expect(picked.map(() => head.string())).toEqual(JSON.parse(printed));
    }
  });
});
