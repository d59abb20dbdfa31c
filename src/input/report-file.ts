import { createReadStream, readFileSync } from 'node:fs';
import type { z } from 'zod';
import { once } from '../model/once.js';
import { reportSchemas, SCHEMA_VERSION, type Finding, type Report } from '../model/report.js';
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
  return checkedReport(path, data, reportSchemas().report);
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

const headSchema = once(() => reportSchemas().report.pick({ schemaVersion: true, tool: true, ruleset: true, summary: true, agents: true }));
const FINDINGS_OPEN = '  "findings": [';
const NO_FINDINGS = /^ {2}"findings": \[\],?$/;
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
  return { head: checkedReport(path, head, headSchema()), findings: { [Symbol.asyncIterator]: () => streamedFindings(path) } };
}

async function* arrayAsAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

/** The findings of a report laid out as chatlint writes it, each checked, read from the file. */
async function* streamedFindings(path: string): AsyncGenerator<Finding> {
  let index = 0;
  for await (const text of findingTexts(path)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new UsageError(`${path}: not a chatlint JSON report: findings.${index} is not valid JSON`);
    }
    const parsed = reportSchemas().finding.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UsageError(`${path}: not a valid chatlint report: findings.${index}.${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'not a finding'}`);
    }
    yield parsed.data;
    index++;
  }
}

const LF = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
const LIST_OPEN = Buffer.from('\n  "findings": [');
const ELEMENT_CLOSE = Buffer.from('\n    }');

/** Where the line holding `at` ends (its LF, or the buffer's length when it has none yet). */
function lineEnd(buffer: Buffer, at: number): number {
  const lf = buffer.indexOf(LF, at);
  return lf < 0 ? buffer.length : lf;
}

/** The line from `start` to its LF at `end`, without a CR before it, as text (only short lines are looked at). */
const lineText = (buffer: Buffer, start: number, end: number): string => buffer.toString('utf8', start, end > start && buffer[end - 1] === CR ? end - 1 : end);

/** The text of each finding of a laid-out report, as read from the file. */
async function* findingTexts(path: string): AsyncGenerator<string> {
  const list = new FindingList();
  const found: string[] = [];
  const take = (chunk: Buffer): boolean => {
    found.length = 0;
    return list.push(chunk, found);
  };
  // Small chunks: each is copied once behind the part element left by the one before.
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    const ended = take(chunk);
    yield* found;
    if (ended) return;
  }
  // A last line without a line break ends like any other.
  const ended = take(Buffer.from('\n'));
  yield* found;
  if (!ended) throw new UsageError(`${path}: not a chatlint JSON report: it ends inside its findings (cut short?)`);
}

/**
 * The findings list of a report laid out as chatlint writes it, cut into the text of each element as
 * chunks of the file come: from the line after `  "findings": [` to `  ]`, each element ending at a line that
 * is `    }` or `    },` (a CR before a line break dropped, as the line reader drops it). Found by their
 * bytes: a night's report holds millions of lines, and making each a string, testing it and joining them
 * again cost three times the JSON.parse of the elements.
 */
export class FindingList {
  private buffer: Buffer = Buffer.alloc(0);
  private at = 0;
  private inList = false;

  /** Appends the texts of the elements `chunk` completes to `out`; true once the list has ended. */
  push(chunk: Buffer, out: string[]): boolean {
    // What is left starts a line; the line break before it is kept, so an element's closing line is found by it.
    const keep = this.at > 0 ? this.at - 1 : 0;
    const buffer = keep < this.buffer.length ? Buffer.concat([this.buffer.subarray(keep), chunk]) : chunk;
    this.buffer = buffer;
    let at = this.at - keep;
    // Before the list: its opening line, or the line of an empty list (another line that starts alike is passed by).
    for (let from = Math.max(at - 1, 0); !this.inList; ) {
      const open = buffer.indexOf(LIST_OPEN, from);
      if (open < 0) {
        // Keep what may hold the start of the opening line.
        this.at = Math.max(0, buffer.length - LIST_OPEN.length);
        return false;
      }
      const end = lineEnd(buffer, open + 1);
      if (end === buffer.length) {
        this.at = open;
        return false;
      }
      const line = lineText(buffer, open + 1, end);
      if (NO_FINDINGS.test(line)) return true;
      this.inList = line === FINDINGS_OPEN;
      at = end + 1;
      from = end;
    }
    for (;;) {
      // At the start of a line: the end of the list, or an element up to its closing line.
      const first = lineEnd(buffer, at);
      if (first === buffer.length) break;
      if (LIST_END.test(lineText(buffer, at, first))) return true;
      let close = buffer.indexOf(ELEMENT_CLOSE, Math.max(at - 1, 0));
      let end = buffer.length;
      while (close >= 0) {
        end = lineEnd(buffer, close + 1);
        if (end === buffer.length) break;
        let last = end;
        if (buffer[last - 1] === CR) last--;
        if (buffer[last - 1] === COMMA) last--;
        if (last === close + ELEMENT_CLOSE.length) break;
        close = buffer.indexOf(ELEMENT_CLOSE, close + 1);
      }
      if (close < 0 || end === buffer.length) break;
      out.push(buffer.toString('utf8', at, close + ELEMENT_CLOSE.length));
      at = end + 1;
    }
    this.at = at;
    return false;
  }
}
