import { describe, expect, it } from 'vitest';
import { formatToString, isBinary } from '../../src/report/formatter.js';
import { FORMATTERS } from '../../src/report/formatters/all.js';
import { jsonElements, printedList, replayable, filtered, type Finding, type Report, type ReportSource } from '../../src/model/report.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batched, writeReport } from '../../src/report/write.js';
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
      const pieces = [...formatter.format(many, CONTEXT)].map((piece) => (typeof piece === 'string' ? piece : Buffer.from(piece).toString('utf8')));
      expect(pieces.length, formatter.name).toBeGreaterThan(10);
      const batches = [...batched(pieces)] as string[];
      expect(batches.join('')).toBe(pieces.join(''));
      // A batch closes at 1 MiB, so it is never longer than that plus one piece.
      expect(Math.max(...batches.map((b) => b.length))).toBeLessThan(2 ** 20 + Math.max(...pieces.map((p) => p.length)));
    }
  });

  it('the JSON formatter copies lists printed ahead, as JSON.stringify(report, null, 2) would print them', () => {
    const json = FORMATTERS.find((f) => f.name === 'json');
    if (!json || isBinary(json)) throw new Error('json is a text format');
    const finding = report.findings[0] as Finding;
    const conversation = report.conversations[0] as Report['conversations'][number];
    // Pieces of one or more elements each (as the entry store gives them: an entry's findings are one piece).
    const printed = <T>(groups: T[][]) =>
      printedList(
        () => groups.flat().values(),
        () => groups.filter((group) => group.length > 0).map((group) => Buffer.from(jsonElements(group), 'utf8') as Uint8Array).values(),
      );
    for (const sizes of [[], [0, 0], [1], [3, 0, 1, 5], Array.from({ length: 700 }, (_, i) => i % 4)]) {
      const groups = sizes.map((size, g) => Array.from({ length: size }, (_, i) => ({ ...finding, messageIndex: i, excerpt: `好 "${g}"\n\u2028 😀` })));
      const conversations = sizes.map((_, g) => [{ ...conversation, conversationId: `C\t${g}` }]);
      const arrays: Report = { ...report, findings: groups.flat(), conversations: conversations.flat() };
      const source: ReportSource = { ...arrays, findings: printed(groups), conversations: printed(conversations) };
      const expected = `${JSON.stringify(arrays, null, 2)}\n`;
      expect(formatToString(json, source, CONTEXT), `groups ${sizes.length}`).toBe(expected);
      // Written through batches, text and bytes together: the same bytes.
      const written = Buffer.concat([...batched(json.format(source, CONTEXT))].map((piece) => (typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece)));
      expect(written.toString('utf8')).toBe(expected);
      // A list filtered since (--quiet) is no longer printed ahead: its elements are stringified.
      const errors = { ...source, findings: filtered(source.findings, (f) => f.severity === 'error') };
      expect(formatToString(json, errors, CONTEXT)).toBe(`${JSON.stringify({ ...arrays, findings: arrays.findings.filter((f) => f.severity === 'error') }, null, 2)}\n`);
    }
  });

  it('batches text and bytes in their order, about a megabyte at a time', () => {
    const big = 'x'.repeat(2 ** 19);
    const shapes: Array<Array<string | Uint8Array>> = [
      [],
      ['a', 'b'],
      [Buffer.from('好')],
      ['{', Buffer.from('好的'), ',\n', Buffer.from('😀'), '}'],
      [big, Buffer.from('y'), big, 'z'],
      Array.from({ length: 5000 }, (_, i) => (i % 3 ? `line ${i}\n` : Buffer.from(`字节 ${i}\n`))),
    ];
    for (const shape of shapes) {
      const expected = Buffer.concat(shape.map((piece) => (typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece)));
      const batches = [...batched(shape)];
      const got = Buffer.concat(batches.map((piece) => (typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece)));
      expect(got.equals(expected), `${shape.length} pieces`).toBe(true);
      expect(batches.every((piece) => piece.length > 0)).toBe(true);
      // Gathered for a file's writer: the same bytes, as lists of at most IOV_MAX pieces.
      const gathered = [...batched(shape, true)];
      const flat = gathered.flatMap((piece) => (typeof piece === 'string' ? [Buffer.from(piece, 'utf8')] : Array.isArray(piece) ? piece : [piece]));
      expect(Buffer.concat(flat).equals(expected), `${shape.length} pieces gathered`).toBe(true);
      // About IOV_MAX pieces a list (text encoded with a piece may top it by one; the writer splits there).
      expect(gathered.every((piece) => !Array.isArray(piece) || (piece.length > 0 && piece.length <= 1025))).toBe(true);
    }
  });

  it('writes a report of text and bytes to a file exactly, gathered', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'chatlint-write-'));
    try {
      const shape = Array.from({ length: 6000 }, (_, i) => (i % 3 ? `line ${i}\n` : Buffer.from(`字节 ${i}\n`)));
      const path = join(folder, 'out.txt');
      await writeReport(path, shape);
      const expected = Buffer.concat(shape.map((piece) => (typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece)));
      expect(readFileSync(path).equals(expected)).toBe(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
