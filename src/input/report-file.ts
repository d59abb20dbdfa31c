import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { findingSchema, reportSchema, SCHEMA_VERSION, type Finding, type Report } from '../model/report.js';
import { textLines } from './text-lines.js';
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
  return checkedReport(path, data, reportSchema);
}

/** A parsed report (or its head) checked against its schema; a UsageError naming the file and what is wrong. */
function checkedReport<T>(path: string, data: unknown, schema: z.ZodType<T>): T {
  if (!isJsonObject(data) || !('schemaVersion' in data)) {
    throw new UsageError(`${path}: not a chatlint JSON report (no schemaVersion; write one with check --format json -o ${path})`);
  }
  if (data.schemaVersion !== SCHEMA_VERSION) {
    throw new UsageError(`${path}: report schemaVersion ${JSON.stringify(data.schemaVersion)}, but this chatlint reads schemaVersion ${SCHEMA_VERSION}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const shown = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`);
    const more = parsed.error.issues.length > 3 ? `; and ${parsed.error.issues.length - 3} more` : '';
    throw new UsageError(`${path}: not a valid chatlint report: ${shown.join('; ')}${more}`);
  }
  return parsed.data;
}

/** What a comparison reads of a JSON report: its head (everything before the findings), and its findings. */
export interface ReportForDiff {
  head: Pick<Report, 'schemaVersion' | 'tool' | 'ruleset' | 'summary' | 'agents'>;
  /** Read from the file again on each pass (a night's findings are never held). */
  findings: AsyncIterable<Finding>;
}

const headSchema = reportSchema.pick({ schemaVersion: true, tool: true, ruleset: true, summary: true, agents: true });
const FINDINGS_OPEN = '  "findings": [';
const NO_FINDINGS = /^ {2}"findings": \[\],?$/;
const ELEMENT_END = /^ {4}\},?$/;
const LIST_END = /^ {2}\],?$/;

/**
 * Opens a JSON report for `diff` and `check --baseline`. A report as chatlint writes it (two-space indent,
 * the findings after the summary and agents) is read in passes: the head now, up to the findings, checked as
 * loadReportFile checks it; the findings one at a time on each pass, each checked. Any other layout that
 * is JSON is read whole by loadReportFile.
 */
export async function openReportFile(path: string): Promise<ReportForDiff> {
  const headLines: string[] = [];
  let laidOut = false;
  try {
    for await (const read of textLines(path)) {
      const line = headLines.length === 0 ? read.replace(/^\uFEFF/, '') : read;
      if (headLines.length === 0 && line !== '{') break;
      if (line === FINDINGS_OPEN || NO_FINDINGS.test(line)) {
        laidOut = true;
        break;
      }
      headLines.push(line);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: cannot read the report (${code === 'ENOENT' ? 'no such file' : code ?? (error as Error).message})`);
  }
  if (!laidOut) {
    const report = loadReportFile(path);
    return { head: report, findings: arrayAsAsync(report.findings) };
  }
  let head: unknown;
  try {
    head = JSON.parse(`${headLines.join('\n').replace(/,\s*$/, '')}}`);
  } catch {
    throw new UsageError(`${path}: not a chatlint JSON report: not valid JSON`);
  }
  return { head: checkedReport(path, head, headSchema), findings: { [Symbol.asyncIterator]: () => streamedFindings(path) } };
}

async function* arrayAsAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

/** The findings of a report laid out as chatlint writes it, each checked, read from the file. */
async function* streamedFindings(path: string): AsyncGenerator<Finding> {
  let inList = false;
  let element: string[] = [];
  let index = 0;
  for await (const line of textLines(path)) {
    if (!inList) {
      if (NO_FINDINGS.test(line)) return;
      inList = line === FINDINGS_OPEN;
      continue;
    }
    if (element.length === 0 && LIST_END.test(line)) return;
    element.push(line);
    if (!ELEMENT_END.test(line)) continue;
    let value: unknown;
    try {
      value = JSON.parse(element.join('\n').replace(/,$/, ''));
    } catch {
      throw new UsageError(`${path}: not a chatlint JSON report: findings.${index} is not valid JSON`);
    }
    const parsed = findingSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UsageError(`${path}: not a valid chatlint report: findings.${index}.${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'not a finding'}`);
    }
    yield parsed.data;
    element = [];
    index++;
  }
  throw new UsageError(`${path}: not a chatlint JSON report: it ends inside its findings (cut short?)`);
}
