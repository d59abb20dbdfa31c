import type { Report } from '../model/report.js';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];
export const CSV_REPORTS = ['findings', 'agents', 'conversations'] as const;
export type CsvReport = (typeof CSV_REPORTS)[number];

export interface FormatterContext {
  color: boolean;
  language: Language;
  /** IANA zone in which times are shown to people (machine formats always use UTC). */
  timezone: string;
  csvReport: CsvReport;
  /** Prefix CSV with a UTF-8 byte-order mark so Excel reads Chinese text correctly. */
  bom: boolean;
  /** Rule ids in pack order, for stable per-rule columns. */
  ruleIds: string[];
  /** Whether any rule deducts points or is critical; without, scores say nothing and are not shown to people. */
  scored: boolean;
}

/**
 * Every output format: a report in, text out (ESLint's `(results, context) → string`), as a sequence of
 * chunks so a night with a million findings never has to fit in one string (V8 caps strings at ~512 MB).
 */
export interface Formatter {
  name: string;
  format(report: Report, context: FormatterContext): Iterable<string>;
}

/** The whole output as one string, for small reports and tests. */
export function formatToString(formatter: Formatter, report: Report, context: FormatterContext): string {
  return [...formatter.format(report, context)].join('');
}
