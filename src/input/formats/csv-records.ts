/** CSV records with their 1-based start line, for the product readers that take CSV exports. */
import { createRequire } from 'node:module';
import type * as CsvParseSync from 'csv-parse/sync';

// csv-parse is loaded when a CSV is read (a product's export, a waiver sheet), not at start-up of every run.
let csvParseSync: typeof CsvParseSync | undefined;
export const loadCsvParseSync = (): typeof CsvParseSync => (csvParseSync ??= createRequire(import.meta.url)('csv-parse/sync') as typeof CsvParseSync);

export interface CsvProblem {
  line: number | null;
  reason: string;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Calls `onRecord` for every record (the header row included, as index 0) with the line it starts on.
 * Lines are counted at LF (and CRLF) like editors and `grep -n`; a bare CR inside a field does not start a
 * line (files that use bare CR only are counted at CR). Malformed records are not thrown: they come back
 * as problems. Records are not kept, so a caller that keeps only what it needs holds little per row.
 */
export function eachCsvRecord(text: string, onRecord: (record: string[], line: number, index: number) => void): CsvProblem[] {
  const problems: CsvProblem[] = [];
  // csv-parse works on bytes and reports the byte offset after each record; lines are counted from it.
  const bytes = Buffer.from(text.replace(/^\uFEFF/, ''), 'utf8');
  const breakByte = bytes.includes(LF) ? LF : CR;
  let position = 0;
  let line = 1;
  let index = 0;
  const advance = (to: number): void => {
    for (; position < to && position < bytes.length; position++) if (bytes[position] === breakByte) line += 1;
  };
  const skipBlank = (): void => {
    while (position < bytes.length && (bytes[position] === LF || bytes[position] === CR)) advance(position + 1);
  };
  try {
    loadCsvParseSync().parse(bytes, {
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        const at = typeof error?.['bytes'] === 'number' ? error['bytes'] : undefined;
        skipBlank();
        const start = line;
        if (at !== undefined) advance(at);
        problems.push({ line: at !== undefined ? start : null, reason: `unreadable CSV record: ${error?.message ?? 'unknown error'}` });
        return undefined;
      },
      on_record: (record: string[], context) => {
        skipBlank();
        const start = line;
        advance(context.bytes);
        onRecord(record, start, index++);
        return null;
      },
    });
  } catch (error) {
    problems.push({ line: null, reason: `CSV could not be read past line ${line}: ${error instanceof Error ? error.message : String(error)}` });
  }
  return problems;
}
