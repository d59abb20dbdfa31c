import { readFileSync } from 'node:fs';
import { reportSchema, SCHEMA_VERSION, type Report } from '../model/report.js';
import { isJsonObject } from './json-shape.js';
import { UsageError } from '../errors.js';

/**
 * Reads a JSON report chatlint wrote (`--format json`), for `chatlint diff` and `check --baseline`.
 * Anything else (an export, an NDJSON report, a report of another schemaVersion, a damaged file) is a
 * UsageError naming the file and what is wrong with it.
 */
export function loadReportFile(path: string): Report {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: cannot read the report (${code === 'ENOENT' ? 'no such file' : code ?? (error as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
    const hint = /^\s*\{.*\}\s*$/.test(firstLine) ? ' (one object per line: an NDJSON report? diff needs --format json)' : '';
    throw new UsageError(`${path}: not a chatlint JSON report: not valid JSON${hint}`);
  }
  if (!isJsonObject(data) || !('schemaVersion' in data)) {
    throw new UsageError(`${path}: not a chatlint JSON report (no schemaVersion; write one with check --format json -o ${path})`);
  }
  if (data.schemaVersion !== SCHEMA_VERSION) {
    throw new UsageError(`${path}: report schemaVersion ${JSON.stringify(data.schemaVersion)}, but this chatlint reads schemaVersion ${SCHEMA_VERSION}`);
  }
  const parsed = reportSchema.safeParse(data);
  if (!parsed.success) {
    const shown = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`);
    const more = parsed.error.issues.length > 3 ? `; and ${parsed.error.issues.length - 3} more` : '';
    throw new UsageError(`${path}: not a valid chatlint report: ${shown.join('; ')}${more}`);
  }
  return parsed.data;
}
