import { describe, expect, it } from 'vitest';
import { formatToString, isBinary } from '../../src/report/formatter.js';
import { FORMATTERS } from '../../src/report/formatters/all.js';
import { replayable, type Finding, type Report, type ReportSource } from '../../src/model/report.js';
import { batched } from '../../src/report/write.js';
import { expectedOutput } from '../helpers/cli.js';

const CONTEXT = { color: false, language: 'en' as const, timezone: 'UTC', csvReport: 'findings' as const, bom: false, ruleIds: [], scored: true };

describe('formatters stream their output', () => {
  const report = JSON.parse(expectedOutput('fixtures/transcript/one-chat.json.expected')) as Report;

  it('the JSON formatter prints exactly what JSON.stringify(report, null, 2) would', () => {
    const json = FORMATTERS.find((f) => f.name === 'json');
    if (!json || isBinary(json)) throw new Error('json is a text format');
    expect(formatToString(json, report, CONTEXT)).toBe(`${JSON.stringify(report, null, 2)}\n`);
    const empty = { ...report, findings: [], skipped: [] };
    expect(formatToString(json, empty, CONTEXT)).toBe(`${JSON.stringify(empty, null, 2)}\n`);
    // Arrays are stringified in slices: lengths around the slice size, and texts with newlines and quotes.
    const finding = report.findings[0] as Finding;
    for (const length of [1, 511, 512, 513, 1025]) {
      const findings = Array.from({ length }, (_, i) => ({ ...finding, messageIndex: i, excerpt: `a\n"b"\u2028 ${i}` }));
      const sized = { ...report, findings, skipped: findings.map((f) => f.source) };
      expect(formatToString(json, sized, CONTEXT), `${length} findings`).toBe(`${JSON.stringify(sized, null, 2)}\n`);
    }
  });

  it('writes json, ndjson and every CSV report alike from sequences read on each pass as from arrays', () => {
    const finding = report.findings[0] as Finding;
    const conversation = report.conversations[0] as Report['conversations'][number];
    for (const length of [0, 1, 512, 513, 1030]) {
      const findings = Array.from({ length }, (_, i) => ({ ...finding, messageIndex: i }));
      const conversations = Array.from({ length }, (_, i) => ({ ...conversation, conversationId: `C${i}`, deductions: i % 3 ? { [`rule-${i % 7}`]: 1 } : {} }));
      const arrays: Report = { ...report, findings, conversations, skipped: findings.map((f) => ({ ...f.source, reason: 'x' })) };
      // Sequences that can be read any number of times, never arrays.
      const asSequence = <T>(items: T[]) => replayable(() => items.values());
      const source: ReportSource = { ...arrays, findings: asSequence(arrays.findings), skipped: asSequence(arrays.skipped), conversations: asSequence(arrays.conversations), waived: asSequence(arrays.waived) };
      for (const formatter of FORMATTERS) {
        if (isBinary(formatter)) continue;
        for (const csvReport of ['findings', 'agents', 'conversations'] as const) {
          const context = { ...CONTEXT, csvReport };
          expect(formatToString(formatter, source, context), `${formatter.name} ${csvReport} ${length}`).toBe(formatToString(formatter, arrays, context));
        }
      }
    }
  });

  it('yields many pieces for a large report, none of them the whole report', () => {
    const finding = report.findings[0] as Finding;
    const many: Report = { ...report, findings: Array.from({ length: 20_000 }, (_, i) => ({ ...finding, messageIndex: i })) };
    for (const formatter of FORMATTERS) {
      if (isBinary(formatter)) continue;
      // Markdown is a summary for a ticket: a handful of short tables, one piece is enough.
      if (formatter.name === 'markdown') continue;
      const pieces = [...formatter.format(many, CONTEXT)];
      expect(pieces.length, formatter.name).toBeGreaterThan(10);
      const batches = [...batched(pieces)];
      expect(batches.join('')).toBe(pieces.join(''));
      // A batch closes at 1 MiB, so it is never longer than that plus one piece.
      expect(Math.max(...batches.map((b) => b.length))).toBeLessThan(2 ** 20 + Math.max(...pieces.map((p) => p.length)));
    }
  });
});
