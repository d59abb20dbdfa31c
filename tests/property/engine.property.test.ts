import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { FINDING_COLUMNS, csv } from '../../src/report/formatters/csv.js';
import { json } from '../../src/report/formatters/json.js';
import { formatToString, type FormatterContext } from '../../src/report/formatter.js';
import type { Finding, Report } from '../../src/model/report.js';
import { exportLines, FUZZ, joinLines, messageText, runFiles, withoutSource } from './arbitraries.js';

describe('properties of a run over random message streams (fast-check)', () => {
  it('(a) never throws and (b) every record read is checked or skipped', async () => {
    await fc.assert(
      fc.asyncProperty(exportLines, fc.integer({ min: 1, max: 64 }), async (lines, chunkSize) => {
        const { report } = await runFiles([['a.jsonl', joinLines(lines)]], chunkSize);
        const s = report.summary;
        expect(s.recordsRead).toBe(s.messages + s.skippedRecords);
        // A file none of whose records has the basic fields is refused as one (src/input/unknown-shape.ts).
        const refused = report.skipped.some((k) => k.reason.startsWith('file not read: not a chat export chatlint recognises'));
        expect(s.recordsRead).toBe(refused ? 1 : lines.reduce((n, l) => n + l.records, 0));
      }),
      FUZZ,
    );
  });

  it('(a) never throws on arbitrary bytes either, in any input format', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.constantFrom('x.jsonl', 'x.json', 'x.csv', 'x.tsv', '<stdin>'), async (bytes, name) => {
        const { report } = await runFiles([[name, Buffer.from(bytes).toString('latin1')]]);
        expect(report.summary.recordsRead).toBe(report.summary.messages + report.summary.skippedRecords);
      }),
      FUZZ,
    );
  });

  it('(c) shuffling the lines of a file changes no finding', async () => {
    await fc.assert(
      fc.asyncProperty(exportLines.chain((lines) => fc.tuple(fc.constant(lines), fc.shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length }))), async ([lines, shuffled]) => {
        const before = await runFiles([['a.jsonl', joinLines(lines)]]);
        const after = await runFiles([['a.jsonl', joinLines(shuffled)]]);
        expect(withoutSource(after.report.findings)).toEqual(withoutSource(before.report.findings));
        expect(after.report.summary).toEqual(before.report.summary);
      }),
      FUZZ,
    );
  });

  it('(d) splitting a file into two changes no finding', async () => {
    await fc.assert(
      fc.asyncProperty(exportLines, fc.nat(), async (lines, cut) => {
        const at = lines.length === 0 ? 0 : cut % (lines.length + 1);
        const whole = await runFiles([['a.jsonl', joinLines(lines)]]);
        const split = await runFiles([
          ['a.jsonl', joinLines(lines.slice(0, at))],
          ['b.jsonl', joinLines(lines.slice(at))],
        ]);
        expect(withoutSource(split.report.findings)).toEqual(withoutSource(whole.report.findings));
        // A part that holds only records without the basic fields is refused whole, unlike the same lines among messages.
        const refused = (r: Report) => r.skipped.some((k) => k.reason.startsWith('file not read: not a chat export chatlint recognises'));
        fc.pre(!refused(whole.report) && !refused(split.report));
        const { files: _a, inputs: _i, ...wholeSummary } = whole.report.summary;
        const { files: _b, inputs: _j, ...splitSummary } = split.report.summary;
        expect(splitSummary).toEqual(wholeSummary);
      }),
      FUZZ,
    );
  });
});

const CONTEXT: FormatterContext = { color: false, language: 'en', timezone: 'UTC', csvReport: 'findings', bom: false, ruleIds: [], scored: false };

/** Reads chatlint's findings CSV back: one leading apostrophe added against formulas is removed, empty nullable cells are null. */
function readFindingsCsv(text: string, bom: boolean): Array<Record<string, unknown>> {
  const rows = parse(text, { bom }) as string[][];
  const [header, ...body] = rows;
  expect(header).toEqual([...FINDING_COLUMNS]);
  const unguard = (cell: string) => (cell.startsWith("'") && /^'*\s*[=+\-@\t\r]/.test(cell.slice(1)) ? cell.slice(1) : cell);
  const numeric = new Set(['offset', 'seconds', 'messageIndex', 'line', 'record']);
  const nullable = new Set(['agentId', 'agentName', 'match', 'offset', 'seconds', 'line']);
  return body.map((row) => {
    const out: Record<string, unknown> = {};
    FINDING_COLUMNS.forEach((column, i) => {
      const cell = unguard(row[i] ?? '');
      out[column] = cell === '' && nullable.has(column) ? null : numeric.has(column) ? Number(cell) : cell;
    });
    return out;
  });
}

const asRow = (f: Finding): Record<string, unknown> => {
  const { source, ...rest } = f;
  // CONTEXT is UTC, so the local time is the timestamp's own wall clock.
  const row: Record<string, unknown> = { ...rest, file: source.file, line: source.line, record: source.record, localTime: f.timestamp.slice(0, 19).replace('T', ' ') };
  return Object.fromEntries(FINDING_COLUMNS.map((c) => [c, row[c]]));
};

describe('(e) a report survives JSON → CSV → JSON', () => {
  it('every finding comes back from the CSV exactly, whatever its text', async () => {
    // Ids, names and texts that start with formula characters, hold quotes, commas and line breaks.
    const wellFormed = messageText.map((t) => t.toWellFormed());
    const lines = fc.array(
      fc.record({ conversation: wellFormed, name: wellFormed, before: wellFormed, after: wellFormed, late: fc.boolean() }),
      { minLength: 1, maxLength: 6 },
    ).map((items) =>
      items.flatMap((item, i) => {
        const conversation = item.conversation.trim() === '' ? `c${i}` : item.conversation;
        const start = Date.UTC(2026, 10, 27, 2, i);
        return [
          { conversation_id: conversation, timestamp: new Date(start).toISOString(), role: 'customer', text: item.before },
          { conversation_id: conversation, timestamp: new Date(start + (item.late ? 90_000 : 5_000)).toISOString(), role: 'agent', agent_id: '7', agent_name: item.name, text: `${item.before}我晕${item.after}` },
        ].map((r) => JSON.stringify(r));
      }),
    );
    await fc.assert(
      fc.asyncProperty(lines, fc.boolean(), async (records, bom) => {
        const { report } = await runFiles([['a.jsonl', `${records.join('\n')}\n`]]);
        const viaJson = JSON.parse(formatToString(json, report, CONTEXT)) as Report;
        const back = readFindingsCsv(formatToString(csv, viaJson, { ...CONTEXT, bom }), bom);
        expect(back).toEqual(viaJson.findings.map(asRow));
        expect(back.length).toBe(report.findings.length);
      }),
      FUZZ,
    );
  });
});
