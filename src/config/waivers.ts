import { loadYaml } from './parse.js';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { z } from 'zod';
import type { Waiver } from '../model/report.js';
import { ConfigError } from '../errors.js';
import { formatPath } from './parse.js';
import { normalizeKey } from '../input/fields.js';
import { loadCsvParseSync } from '../input/formats/csv-records.js';
import { keyedByInput } from '../model/records.js';
import { once } from '../model/once.js';

/** One reviewed false positive. A reason is required: a waiver nobody can explain is not reviewed. */
const waiverEntrySchema = once(() =>
  z.strictObject({
    conversationId: z.union([z.string().min(1), z.number()]).transform(String),
    ruleId: z.string().min(1),
    /** 0-based message index, as in reports; omit to waive the rule for the whole conversation. */
    messageIndex: z.number().int().min(0).nullable().default(null),
    reason: z.string().min(1),
    reviewer: z.string().nullable().default(null),
    date: z.union([z.string(), z.date().transform((d) => d.toISOString().slice(0, 10))]).nullable().default(null),
  }),
);
const waiverFileSchema = once(() => z.union([z.array(z.unknown()), z.strictObject({ waivers: z.array(z.unknown()) }).transform((f) => f.waivers)]));

const CSV_COLUMNS: Record<string, keyof z.input<ReturnType<typeof waiverEntrySchema>>> = {
  conversationid: 'conversationId', conversation: 'conversationId', 会话id: 'conversationId', 会话编号: 'conversationId',
  ruleid: 'ruleId', rule: 'ruleId', 规则: 'ruleId',
  messageindex: 'messageIndex', message: 'messageIndex',
  reason: 'reason', 原因: 'reason',
  reviewer: 'reviewer', 审核人: 'reviewer',
  date: 'date', 日期: 'date',
};

function fromCsv(text: string, label: string): Array<{ entry: unknown; where: string }> {
  let rows: string[][];
  try {
    rows = loadCsvParseSync().parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (error) {
    throw new ConfigError([`${label}: not valid CSV: ${(error as Error).message}`]);
  }
  const [header = [], ...body] = rows;
  const keys = header.map((h) => CSV_COLUMNS[normalizeKey(h)]);
  const unknown = header.filter((_, i) => !keys[i]);
  if (unknown.length > 0) throw new ConfigError([`${label}:1: unknown waiver column(s) ${unknown.join(', ')} (expected conversationId, ruleId, messageIndex, reason, reviewer, date)`]);
  return body.map((row, i) => {
    const entry = keyedByInput<unknown>();
    keys.forEach((key, column) => {
      const value = row[column]?.trim();
      if (!key || value === undefined || value === '') return;
      entry[key] = key === 'messageIndex' && /^\d+$/.test(value) ? Number(value) : value;
    });
    return { entry, where: `${label}:${i + 2}` };
  });
}

function fromYaml(text: string, label: string): Array<{ entry: unknown; where: string }> {
  const { LineCounter, parseDocument, isNode } = loadYaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) throw new ConfigError(doc.errors.map((e) => `${label}:${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`));
  const parsed = waiverFileSchema().safeParse(doc.toJS({ maxAliasCount: 100 }) ?? []);
  if (!parsed.success) throw new ConfigError([`${label}: expected a list of waivers (or "waivers:" with a list)`]);
  const inList = Array.isArray(doc.toJS()) ? [] : ['waivers'];
  return parsed.data.map((entry, i) => {
    const node = doc.getIn([...inList, i], true);
    const line = isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : null;
    return { entry, where: line ? `${label}:${line}` : `${label}: ${formatPath([...inList, i])}` };
  });
}

/** Loads a waiver file (CSV with a header row, or YAML); every problem names the file and line. */
export function loadWaivers(path: string): Waiver[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${path}: cannot read waiver file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  const entries = extname(path).toLowerCase() === '.csv' ? fromCsv(text, path) : fromYaml(text, path);
  const problems: string[] = [];
  const waivers: Waiver[] = [];
  for (const { entry, where } of entries) {
    const parsed = waiverEntrySchema().safeParse(entry);
    if (parsed.success) waivers.push({ ...parsed.data, source: where });
    else for (const issue of parsed.error.issues) problems.push(`${where}: ${formatPath(issue.path) || 'waiver'}: ${issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.join(', ')}` : issue.message}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return waivers;
}
