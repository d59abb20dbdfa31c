import { readFileSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { isJsonObject as isRecord } from '../input/json-shape.js';
import { compileInputSection, type InputMapping } from '../input/mapping.js';
import { describeInputProblems } from './input-section.js';
import { MAX_RULE_FILE_BYTES, tooLarge, type RuleFileLimits } from './limits.js';
import { formatPath, lineSuffix, describeIssues, parseRuleText, topValidatedAtBuild, type ParsedFile, PARSE_CONFIG } from './parse.js';
import { BUILTIN_RULES_DIR, listPresets, presetPath } from './presets.js';
import { ruleFileSchema, type RuleFile } from './schema.js';
import type { InheritedExamples } from './ruleset.js';
import { didYouMean } from '../text/suggest.js';

/** Keys that change how a rule is reported or scored, not what it finds: its examples stay true. */
const REPORTING_KEYS = new Set(['id', 'severity', 'description', 'message', 'enabled', 'points', 'maxPoints', 'critical', 'appliesTo', 'examples']);

/** `extends`: a rule file read with the chain of packs it builds on. */

export interface PackSource {
  label: string;
  file: ParsedFile;
}

/** A rule entry as written (after `extends` merging), with where it was written for error messages. */
export interface RawEntry {
  value: Record<string, unknown>;
  source: PackSource;
  index: number;
  inheritedExamples?: InheritedExamples;
}

/** A file of an `extends` chain with its bases merged in, not yet compiled. */
export interface RawPack {
  top: RuleFile;
  /** The `input` section in force (`top.input`), compiled once for validation and for the readers. */
  mapping: InputMapping | undefined;
  /** Top-level keys the files in the chain set explicitly (defaults do not override a base). */
  explicit: Set<string>;
  entries: RawEntry[];
  problems: string[];
}

/** The pack `extends` names: a built-in preset, or a path relative to the extending file. */
function basePath(name: string, from: string): string {
  if (!/[\\/]/.test(name) && !/\.(ya?ml|json)$/i.test(name) && listPresets().includes(name)) return presetPath(name);
  return resolve(dirname(from), name);
}

/**
 * Reads one file of an `extends` chain. Entries whose id names a rule of the base override it key by
 * key (so `{id: reply-within-60s, maxSeconds: 90}` changes one threshold), `append` adds to the base's
 * lists (phrases, patterns, exceptions), and entries with a new id and a kind add rules.
 */
export function readPack(text: string, label: string, path: string, chain: string[], limits: RuleFileLimits = {}): RawPack {
  const bytes = Buffer.byteLength(text);
  if (!limits.allowLarge && bytes > MAX_RULE_FILE_BYTES) throw new ConfigError([tooLarge(label, bytes)]);
  const file = parseRuleText(text, label, extname(label).toLowerCase() === '.json');
  // `rules:` with every entry commented out (as in a fresh `chatlint init`) means no rules.
  if (isRecord(file.data) && file.data.rules === null) delete file.data.rules;
  const top = topValidatedAtBuild(file.data) ?? ruleFileSchema().safeParse(file.data ?? {}, PARSE_CONFIG);
  if (!top.success) throw new ConfigError(describeIssues(top.error.issues, [], label, file, ruleFileSchema()));
  const source: PackSource = { label, file };
  const explicit = new Set(isRecord(file.data) ? Object.keys(file.data) : []);
  const input = top.data.input ? compileInputSection(top.data.input) : undefined;
  const problems: string[] = input ? describeInputProblems(input.problems, ['input'], label, file) : [];

  let base: RawPack | undefined;
  if (top.data.extends) {
    const target = basePath(top.data.extends, path);
    if (chain.includes(target)) {
      throw new ConfigError([`${label}${lineSuffix(file, ['extends'])}: extends: circular: ${[...chain, target].map((p) => basename(p)).join(' → ')}`]);
    }
    let baseText: string;
    try {
      baseText = readFileSync(target, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const what = code === 'ENOENT' ? `no built-in preset or file "${top.data.extends}"` : `cannot read "${top.data.extends}" (${code ?? 'error'})`;
      throw new ConfigError([
        `${label}${lineSuffix(file, ['extends'])}: extends: ${what}${didYouMean(top.data.extends, listPresets())} (built-in presets: ${listPresets().join(', ')}; or a path relative to this file)`,
      ]);
    }
    const baseLabel = target.startsWith(BUILTIN_RULES_DIR) ? `rules/${basename(target)}` : relative(process.cwd(), target) || target;
    base = readPack(baseText.replace(/^\uFEFF/, ''), baseLabel, target, [...chain, target], limits);
    problems.push(...base.problems);
  }

  const entries: RawEntry[] = base ? [...base.entries] : [];
  top.data.rules.forEach((value, index) => {
    const at = ['rules', index];
    const where = (key: PropertyKey[]) => `${label}${lineSuffix(file, [...at, ...key])}: ${formatPath([...at, ...key])}`;
    if (!isRecord(value)) {
      problems.push(`${where([])}: expected a rule (a mapping with id and kind)`);
      return;
    }
    const existing = base && typeof value.id === 'string' ? entries.findIndex((e) => e.value.id === value.id) : -1;
    const { append, ...fields } = value;
    if (existing < 0) {
      if (base && !('kind' in value)) {
        const ids = entries.map((e) => String(e.value.id));
        problems.push(`${where(['id'])}: no rule "${String(value.id)}" in the extended pack to override${didYouMean(String(value.id), ids)} (give a kind to add a new rule)`);
        return;
      }
      if (append !== undefined) problems.push(`${where(['append'])}: append only adds to a rule of the extended pack`);
      entries.push({ value: fields, source, index });
      return;
    }
    const inherited = (entries[existing] as RawEntry).value;
    if ('kind' in fields && fields.kind !== inherited.kind) {
      problems.push(`${where(['kind'])}: cannot change the kind of "${String(value.id)}" (${String(inherited.kind)}); use a new id`);
      return;
    }
    const merged: Record<string, unknown> = { ...inherited, ...fields };
    if (append !== undefined) {
      if (!isRecord(append)) problems.push(`${where(['append'])}: expected a mapping of list fields to add to`);
      else {
        for (const [key, extra] of Object.entries(append)) {
          const current = merged[key] ?? [];
          if (!Array.isArray(current) || !Array.isArray(extra)) problems.push(`${where(['append', key])}: can only add a list to a list field`);
          else merged[key] = [...current, ...extra];
        }
      }
    }
    // An override that changes what the rule finds, without examples of its own, leaves the pack's
    // examples judged against options they were not written for.
    const changed = [...Object.keys(fields).filter((k) => !REPORTING_KEYS.has(k)), ...(append !== undefined ? ['append'] : [])];
    const previous = (entries[existing] as RawEntry).inheritedExamples;
    const inheritedExamples =
      'examples' in fields || merged.examples === undefined
        ? undefined
        : changed.length > 0
          ? { changed: [...new Set([...(previous?.changed ?? []), ...changed])], by: label }
          : previous;
    entries[existing] = { value: merged, source, index, ...(inheritedExamples ? { inheritedExamples } : {}) };
  });

  if (base) {
    // A key this file sets wins; a key it leaves out comes from the base, not from a default.
    const inheritedTop = Object.fromEntries([...base.explicit].filter((k) => !explicit.has(k)).map((k) => [k, base.top[k as keyof RuleFile]]));
    const mapping = explicit.has('input') ? input?.mapping : base.mapping;
    return { top: { ...top.data, ...inheritedTop, extends: top.data.extends }, mapping, explicit: new Set([...explicit, ...base.explicit]), entries, problems };
  }
  return { top: top.data, mapping: input?.mapping, explicit, entries, problems };
}

