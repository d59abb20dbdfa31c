import { z } from 'zod';
import { once } from './once.js';
import { reportSchemas, type Finding } from './report.js';

/** Bumped when a field of the diff is renamed or removed. */
export const DIFF_SCHEMA_VERSION = 1;

/** New findings the pretty diff lists one by one before "… N more" (kept in memory when the lists are on disk). */
export const DIFF_FIRST_KEPT = 50;

/** Built on first use, as the report's schemas it holds findings of. */
export const reportDiffSchema = once(() => {
  /** Findings compared as a multiset: unchanged = in both, new = only tonight, resolved = only in the baseline. */
  const counts = z.object({
    new: z.number().int(),
    resolved: z.number().int(),
    unchanged: z.number().int(),
  });
  /** An average score then and now; null where that side scored nothing. */
  const scoreChange = z.object({
    scoreBefore: z.number().nullable(),
    scoreAfter: z.number().nullable(),
    /** scoreAfter − scoreBefore, rounded to one decimal; null unless both sides have a score. */
    scoreChange: z.number().nullable(),
  });
  const side = z.object({
    /** The report file as given on the command line. */
    file: z.string(),
    ruleset: z.object({ name: z.string(), hash: z.string(), file: z.string().optional() }),
    /** summary.findings of that report. */
    findings: z.number().int(),
    /** Findings the report lists: fewer than `findings` when it was written with --quiet (errors only). */
    listed: z.number().int(),
  });
  return z.object({
    diffSchemaVersion: z.literal(DIFF_SCHEMA_VERSION),
    baseline: side,
    current: side,
    /** The two reports were made with different rules: findings of changed rules may show as new or resolved. */
    rulesChanged: z.boolean(),
    /** True when any finding is new: what --fail-on-new fails on. */
    worse: z.boolean(),
    totals: z.object({ ...counts.shape, ...scoreChange.shape }),
    agents: z.array(z.object({ agentId: z.string(), agentName: z.string().nullable(), ...counts.shape, ...scoreChange.shape })),
    rules: z.array(z.object({ ruleId: z.string(), ...counts.shape })),
    newFindings: z.array(reportSchemas().finding),
    resolvedFindings: z.array(reportSchemas().finding),
  });
});
export type ReportDiff = z.infer<ReturnType<typeof reportDiffSchema>>;
export type DiffCounts = Pick<ReportDiff['totals'], 'new' | 'resolved' | 'unchanged'>;

/** The new or resolved findings of a diff as its writers read them: how many, the first few, and their JSON text. */
export interface DiffFindings {
  readonly count: number;
  /** The first findings in order (the pretty diff lists up to 50 of them). */
  readonly first: readonly Finding[];
  /** The elements as `JSON.stringify(diff, null, 2)` prints them in their list (four spaces in, ",\n" between), in pieces; nothing when empty. */
  elements(): Iterable<string | Uint8Array>;
}

/** A diff as the command line writes it: its lists may be on disk (close() removes them). */
export type ListedDiff = Omit<ReportDiff, 'newFindings' | 'resolvedFindings'> & {
  newFindings: DiffFindings;
  resolvedFindings: DiffFindings;
};

/** Where a value that prints itself gives its JSON: as `JSON.stringify(value, null, 2)` prints it, each newline followed by `pad`. */
export const PRINTED_JSON = Symbol('chatlint.printedJson');

export interface PrintsJson {
  [PRINTED_JSON](pad: string): Iterable<string | Uint8Array>;
}

export function printsJson(value: unknown): value is PrintsJson {
  return typeof value === 'object' && value !== null && PRINTED_JSON in value;
}
