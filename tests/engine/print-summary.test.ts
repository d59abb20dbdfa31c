import { describe, expect, it } from 'vitest';
import { handPrinted, printSummary } from '../../src/engine/print-summary.js';
import { jsonElements, type ConversationSummary } from '../../src/model/report.js';
import { keyedByInput } from '../../src/model/records.js';
import { pick, randomNumber, randomString, seeded } from '../helpers/random-json.js';

/** Per-key numbers in a null-prototype object, as scoring makes them (digit-only keys are printed first, in numeric order). */
function numberMap(random: () => number): Record<string, number> {
  const map = keyedByInput<number>();
  for (let n = Math.floor(random() * 5); n > 0; n--) map[randomString(random)] = randomNumber(random);
  return map;
}

function randomSummary(random: () => number): ConversationSummary {
  return {
    conversationId: randomString(random),
    agents: Array.from({ length: Math.floor(random() * 4) }, () => randomString(random)),
    startedAt: random() < 0.8 ? new Date(Date.UTC(2026, 10, 27) + Math.floor(random() * 1e9)).toISOString() : randomString(random),
    messages: Math.floor(random() * 1000),
    findings: Math.floor(random() * 50),
    score: randomNumber(random),
    passed: random() < 0.5,
    critical: random() < 0.5,
    deductions: numberMap(random),
    agentScores: numberMap(random),
    source: { file: randomString(random) },
  };
}

const expected = (value: unknown) => JSON.stringify({ a: [value] }, null, 2).slice('{\n  "a": [\n'.length, -'\n  ]\n}'.length);

describe('printSummary', () => {
  it('prints random and adversarial summaries exactly as JSON.stringify(report, null, 2) nests them', () => {
    const random = seeded(11);
    // Files recur (the summary's end is printed once per file, then copied).
    const files = Array.from({ length: 6 }, () => randomString(random));
    for (let i = 0; i < 3000; i++) {
      const summary = randomSummary(random);
      if (random() < 0.5) summary.source.file = pick(random, files);
      expect(printSummary(summary), JSON.stringify(summary)).toBe(expected(summary));
      // The shape conversationEntry makes is printed by hand, never handed back to JSON.stringify.
      expect(handPrinted(summary)).toBeDefined();
    }
  });

  it('prints a summary of any other shape as JSON.stringify does', () => {
    const random = seeded(5);
    const base = (): ConversationSummary => randomSummary(random);
    const odd: unknown[] = [
      { ...base(), extra: 1 },
      (({ source: _source, ...rest }) => rest)(base()),
      { ...base(), score: undefined },
      { ...base(), messages: '12' },
      { ...base(), passed: 1 },
      { ...base(), agents: ['a', 7, null] },
      { ...base(), agents: [undefined] },
      // eslint-disable-next-line no-sparse-arrays
      { ...base(), agents: ['a', , 'b'] },
      { ...base(), deductions: { a: 1, b: undefined, c: 'x' } },
      { ...base(), deductions: { nested: { a: 1 } } },
      { ...base(), agentScores: [1, 2] },
      { ...base(), agentScores: null },
      { ...base(), source: { file: 'a', line: 3 } },
      { ...base(), source: { line: 3, file: 'a' } },
      { ...base(), source: { file: null } },
      { ...base(), startedAt: new Date(0) },
      { ...base(), toJSON: () => ({ replaced: true }) },
      { ...base(), deductions: { toJSON: () => 'x' } },
      { ...base(), source: { file: 'a', toJSON: () => 'x' } },
      Object.assign(Object.create({ inherited: 1 }) as object, base()),
      Object.fromEntries(Object.entries(base()).reverse()),
      { ...base(), conversationId: Symbol('id') },
    ];
    for (const summary of odd) expect(printSummary(summary as ConversationSummary), String(JSON.stringify(summary))).toBe(expected(summary));
    expect(odd.filter((summary) => handPrinted(summary as ConversationSummary) !== undefined)).toEqual([]);
    // An array's other properties are not JSON: printed by hand, as JSON.stringify prints it.
    const extra = { ...base(), agents: Object.assign(['a'], { extra: 'ignored' }) };
    expect(printSummary(extra)).toBe(expected(extra));
    // And it is one element of a list, as the JSON report prints it.
    const list = Array.from({ length: 3 }, base);
    expect(list.map(printSummary).join(',\n')).toBe(jsonElements(list));
  });
});
