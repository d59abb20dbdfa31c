/** What decides the exit code of a usable run, and when its input cannot stand as a report (exit 2). */
import { EXIT_FINDINGS, EXIT_OK } from '../errors.js';
import { type RunResult } from '../engine/run.js';
import { filtered, type Report, type ReportSource } from '../model/report.js';

/**
 * The exit code of a usable run. --fail-under, when given, decides on the score alone (a nightly job
 * gates on quality, not on the mere presence of findings); else error findings past --max-errors fail.
 */
export function exitCode(report: Pick<Report, 'summary'>, gates: Gates, note: (text: string) => void): number {
  if (gates.newFindings !== undefined && gates.newFindings > 0) {
    note(`--fail-on-new: ${gates.newFindings} finding${gates.newFindings === 1 ? ' is' : 's are'} new since the baseline`);
    return EXIT_FINDINGS;
  }
  if (gates.failUnder !== undefined) {
    const average = report.summary.averageScore;
    if (average === null || !gates.scored) {
      note('--fail-under: no rule deducts points, so every conversation scores full marks and the score cannot fail the run');
      return EXIT_OK;
    }
    if (average < gates.failUnder) {
      note(`average score ${average} is below --fail-under ${gates.failUnder}`);
      return EXIT_FINDINGS;
    }
    return EXIT_OK;
  }
  // With --fail-on-new, findings the baseline already had do not fail the run.
  if (gates.newFindings !== undefined) return EXIT_OK;
  return report.summary.bySeverity.error > gates.maxErrors ? EXIT_FINDINGS : EXIT_OK;
}

export interface Gates {
  failUnder: number | undefined;
  maxErrors: number;
  /** Whether any enabled rule deducts points or is critical. */
  scored: boolean;
  /** New findings since --baseline, when --fail-on-new is given. */
  newFindings: number | undefined;
}

/** Why a run's input cannot stand as a report (exit 2), or null when it can. */
export function unusableInput(s: RunResult['seen'], filesRead: number, fileErrors: number, strict: boolean): string | null {
  if (filesRead === 0 && fileErrors > 0) return 'no input could be read';
  // Nothing at all to check (empty files, a header only, an empty directory, stdin closed at once) is not a pass.
  if (s.recordsRead === 0) return 'no records in the input';
  if (s.messages === 0 && s.skippedRecords > 0) return 'no usable records in the input';
  if (strict && s.skippedRecords > 0) return `--strict: ${s.skippedRecords} records were skipped`;
  return null;
}

/** --quiet: errors only, in every format (ESLint's meaning), filtered as the findings stream past; the summary still counts everything. */
export function errorsOnly<S extends ReportSource>(report: S): Omit<S, 'findings'> & Pick<ReportSource, 'findings'> {
  return { ...report, findings: filtered(report.findings, (f) => f.severity === 'error') };
}
