/** CSV records with their 1-based start line, for the product readers that take CSV exports. */
import { parse } from 'csv-parse/sync';

export interface CsvProblem {
  line: number | null;
  reason: string;
}

/**
 * Calls `onRecord` for every record (the header row included, as record 0) with the line it starts on.
 * Malformed records are not thrown: they come back as problems. Records are not kept, so a caller that
 * keeps only what it needs holds little memory per row.
 */
export function eachCsvRecord(text: string, onRecord: (record: string[], line: number, index: number) => void): CsvProblem[] {
  const problems: CsvProblem[] = [];
  let previousEnd = 0;
  let previousEmpty = 0;
  let index = 0;
  try {
    parse(text.replace(/^\uFEFF/, ''), {
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        const line = typeof error?.['lines'] === 'number' ? error['lines'] : null;
        problems.push({ line, reason: `unreadable CSV record: ${error?.message ?? 'unknown error'}` });
        return undefined;
      },
      on_record: (record: string[], context) => {
        const line = previousEnd + 1 + (context.empty_lines - previousEmpty);
        previousEnd = context.lines;
        previousEmpty = context.empty_lines;
        onRecord(record, line, index++);
        return null;
      },
    });
  } catch (error) {
    problems.push({ line: null, reason: `CSV could not be read past line ${previousEnd}: ${error instanceof Error ? error.message : String(error)}` });
  }
  return problems;
}
