import { describe, expect, it } from 'vitest';
import { printFindings } from '../../src/engine/print-finding.js';
import { jsonElements, printedList, type Finding, type ReportSource } from '../../src/model/report.js';
import { csv } from '../../src/report/formatters/csv.js';
import type { FormatterContext } from '../../src/report/formatter.js';
import { pick, randomNumber, randomString, seeded } from '../helpers/random-json.js';

/** Strings a CSV cell treats apart: formula starts after apostrophes and white space, commas, quotes, line breaks. */
const CELLS = ['=1+1', '+1', '-1', '@a', "'=x", "''+", ' =x', '\u00a0=x', '\u3000=x', '\ufeff-x', '\u2003@x', '\u1680=x', '\u180e=x', '\t=x', '\r+', 'a,b', 'a"b', '"', '\\"', '=a,"b"', "'", '\u3001,', '？？', '非常抱歉，这边', 'x\ny', ''];
const cell = (random: () => number) => (random() < 0.4 ? pick(random, CELLS) : randomString(random));
const maybe = <T>(random: () => number, value: () => T): T | null => (random() < 0.3 ? null : value());
/** Times Date reads (the plain path's wall clock throws on others, as this one must too). */
const ISO = ['2026-11-27T00:04:54.000Z', '2026-11-27T00:04:59.000Z', '2026-03-29T01:30:00.000Z', '1969-12-31T23:59:59.000Z', '2026-11-27T00:04:54Z', '2026-11-27', '+010000-01-01T00:00:00.000Z'];

function randomFinding(random: () => number): Finding {
  return {
    ruleId: cell(random),
    kind: cell(random),
    severity: pick(random, ['error', 'warning', 'info'] as const),
    agentId: maybe(random, () => cell(random)),
    agentName: maybe(random, () => cell(random)),
    conversationId: cell(random),
    messageIndex: random() < 0.8 ? Math.floor(random() * 2000) : randomNumber(random),
    timestamp: pick(random, ISO),
    message: cell(random),
    match: maybe(random, () => cell(random)),
    offset: maybe(random, () => randomNumber(random)),
    seconds: maybe(random, () => randomNumber(random)),
    excerpt: cell(random),
    source: { file: cell(random), line: maybe(random, () => randomNumber(random)), record: randomNumber(random) },
  };
}

/** A finding of another shape now and then: keys left out, added, reordered or repeated, values of other types. */
function reshaped(random: () => number, finding: Finding): unknown {
  const entries: Array<[string, unknown]> = Object.entries(finding);
  const roll = random();
  if (roll < 0.1) entries.splice(Math.floor(random() * (entries.length - 1)), 1);
  else if (roll < 0.2) entries.splice(Math.floor(random() * entries.length), 0, [pick(random, ['extra', 'source', 'timestamp', 'ruleId']), pick(random, [1, 'x', null, [1, { a: '}' }], { file: 'f' }])]);
  else if (roll < 0.3) entries.reverse();
  else if (roll < 0.4) (entries[Math.floor(random() * entries.length)] as [string, unknown])[1] = pick(random, [true, 7, 'text', null, [], { b: 1 }, -0.5, '"=a"']);
  else if (roll < 0.5) {
    // A key spelt otherwise at the same length: the text around values is the layout's but for one letter.
    const entry = entries[Math.floor(random() * entries.length)] as [string, unknown];
    if (entry[0] !== 'timestamp') entry[0] = `${entry[0].slice(0, -1)}_`;
  } else if (roll < 0.55) entries[entries.length - 1] = ['source', { record: 3, file: 'a,b', extra: { x: [1] }, line: null }];
  else return finding;
  const value = Object.fromEntries(entries);
  // The plain path reads source's fields and a time's wall clock: a finding without them (an error there too) is not what this checks.
  const hasSource = typeof value.source === 'object' && value.source !== null && !Array.isArray(value.source);
  return hasSource && ISO.includes(value.timestamp) ? value : finding;
}

const CONTEXT: FormatterContext = { color: false, language: 'en', timezone: 'UTC', csvReport: 'findings', bom: false, ruleIds: [], scored: true };

/**
 * The CSV as the report file gets it (UTF-8, as the writer encodes text): from the printed pieces, or (none
 * given) from the findings as the plain path reads them, parsed back from their JSON.
 */
function csvText(findings: readonly unknown[], pieces: Uint8Array[] | undefined, timezone: string): string {
  const parsed = JSON.parse(JSON.stringify(findings)) as unknown[];
  const list = pieces === undefined ? parsed : printedList(() => parsed[Symbol.iterator](), () => pieces[Symbol.iterator]());
  const report = { findings: list } as unknown as ReportSource;
  const bytes = Array.from(csv.format(report, { ...CONTEXT, timezone }), (piece) => (typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece));
  // Compared as bytes, in latin1 (a lone surrogate is U+FFFD in either way's bytes, not in a string).
  return Buffer.concat(bytes).toString('latin1');
}

function outcome(text: () => string): string {
  try {
    return text();
  } catch (error) {
    return `failed: ${String(error)}`;
  }
}

/** The elements printed as the store prints them (by hand where it can), joined with ",\n" into pieces of whole elements. */
function printedPieces(random: () => number, findings: readonly unknown[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < findings.length; ) {
    const next = at + 1 + Math.floor(random() * 4);
    const slice = findings.slice(at, next);
    const byHand = slice.every((f) => Object.keys(f as object).length === 14);
    pieces.push(Buffer.from(byHand && random() < 0.8 ? printFindings(slice as Finding[]) : jsonElements(slice), 'utf8'));
    at = next;
  }
  return pieces;
}

describe('CSV rows from printed findings', () => {
  it('are exactly the rows of the parsed findings, whatever their values and shape', () => {
    const random = seeded(91);
    for (let i = 0; i < 250; i++) {
      const findings = Array.from({ length: Math.floor(random() * 8) }, () => reshaped(random, randomFinding(random)));
      const timezone = pick(random, ['UTC', 'Asia/Shanghai', 'Asia/Kolkata', 'America/New_York']);
      const pieces = printedPieces(random, findings);
      // Values the plain path cannot print (an object with a comma) fail alike.
      expect(outcome(() => csvText(findings, pieces, timezone)), JSON.stringify(findings)).toBe(outcome(() => csvText(findings, undefined, timezone)));
    }
  });

  it('fills and hands out several buffers for a long list', () => {
    const random = seeded(5);
    const findings = Array.from({ length: 1500 }, () => ({ ...randomFinding(random), excerpt: 'x'.repeat(400) }));
    const pieces = printedPieces(random, findings);
    const text = csvText(findings, pieces, 'UTC');
    expect(text).toBe(csvText(findings, undefined, 'UTC'));
    // Several of the 256 KB buffers rows are printed into.
    expect(text.length).toBeGreaterThan(3 * 256 * 1024);
  });
});
