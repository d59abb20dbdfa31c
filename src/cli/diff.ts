import { compareReports, type Comparison } from '../engine/diff.js';
import { openReportFile } from '../input/report-file.js';
import { DIFF_FORMATS, diffCaveats, formatDiff, type DiffFormat } from '../report/diff-format.js';
import { formatFromExtension } from '../report/formatters/index.js';
import { terminalSafe } from '../report/terminal-safe.js';
import { ReportWriteError, writeReport, writeToStream } from '../report/write.js';
import { writeFailed } from './io.js';
import { ChatlintError, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../errors.js';
import { useColor } from './check-settings.js';
import { reportError, type Io } from './io.js';

export interface DiffOptions {
  format?: string;
  output?: string;
  failOnNew?: boolean;
  color?: boolean;
}

/** `chatlint diff <baseline> <current>`: what changed between two JSON reports. Exit 1 only with --fail-on-new and a new finding. */
export async function diff(baselinePath: string, currentPath: string, options: DiffOptions, io: Io): Promise<number> {
  const warn = (text: string) => io.stderr.write(`chatlint: ${terminalSafe(text)}\n`);
  let comparison: Comparison | undefined;
  try {
    const fromExtension = options.output ? formatFromExtension(options.output) : undefined;
    const format = (options.format ?? (fromExtension && (DIFF_FORMATS as readonly string[]).includes(fromExtension) ? fromExtension : 'pretty')) as DiffFormat;
    // Both reports are read side by side, their findings one conversation at a time (see compareReports).
    const baseline = await openReportFile(baselinePath);
    const current = await openReportFile(currentPath);
    comparison = await compareReports({ ...baseline.head, findings: baseline.findings }, { ...current.head, findings: current.findings }, { baseline: baselinePath, current: currentPath });
    const result = comparison.diff;
    if (format !== 'pretty') for (const caveat of diffCaveats(result)) warn(caveat);
    const text = formatDiff(result, format, format === 'pretty' && useColor(options, io, !options.output));
    if (options.output) await writeReport(options.output, text);
    else await writeToStream(io.stdout, text);
    return options.failOnNew && result.worse ? EXIT_FINDINGS : EXIT_OK;
  } catch (error) {
    if (error instanceof ChatlintError) return reportError(error, io, terminalSafe);
    if (error instanceof ReportWriteError) return writeFailed(error, options.output, io);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'ENOENT' || code === 'EACCES' || code === 'EROFS' || code === 'EDQUOT') {
      // The lists and sorted runs of a comparison wait in the temporary folder.
      warn(`cannot keep the comparison in the temporary folder (${(error as Error).message}); set TMPDIR to a folder on a disk with room`);
      return EXIT_USAGE;
    }
    throw error;
  } finally {
    comparison?.close();
  }
}
