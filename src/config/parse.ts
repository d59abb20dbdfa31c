import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type * as Yaml from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { duplicateKeys } from '../input/json-guard.js';
import { isJsonObject } from '../input/json-shape.js';
import { assertTimeZone } from '../input/time/timestamps.js';
import { sha256 } from '../model/node-modules.js';
import { knowZoneOffsets } from '../model/zone-offsets.js';
import { knowResults } from '../text/remembered.js';
import { didYouMean } from '../text/suggest.js';
import type { CommonRule, RuleKind } from '../rules/kind.js';
import type { RuleFile } from './schema.js';

/**
 * How configuration is checked against its zod schemas: issues quote the input, and no JIT. zod compiles
 * a parser per object shape with `new Function` on its first use, which pays off over many records but
 * not for a rule file read once: ~15-30 ms of a small run's start-up, for nothing.
 */
export const PARSE_CONFIG = { reportInput: true, jitless: true } as const;

/** A rule, waiver or map file parsed, with a way back from a key path to its line for error messages. */
export interface ParsedFile {
  data: unknown;
  /** The line a key path points at, for error messages; null when unknown. */
  lineOf(path: ReadonlyArray<PropertyKey>): number | null;
}

// The YAML parser is loaded only for a file that is not a built-in pack as shipped (or for an error's line).
let yamlModule: typeof Yaml | undefined;
export const loadYaml = (): typeof Yaml => (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml);

/**
 * What `npm run build` worked out for the built-in packs (scripts/parse-packs.mjs): each pack's YAML
 * parsed, by the SHA-256 of its text, and each of its rules as its kind's schema returned it, by the
 * rule's JSON text. A small run's start-up then neither loads the YAML parser nor runs zod on a pack
 * as shipped.
 */
export interface BuiltPacks {
  packs: Record<string, unknown>;
  /** Validated rules (their JSON text), by the JSON text of the rule as written. */
  validated: Record<string, string>;
  /** Time zone names ICU took as valid (asking it for its list of zones costs ~4% of a small run). */
  zones?: string[] | undefined;
  /** The built-in packs' texts, by their key: a pack as shipped is known by its text, without a digest. */
  texts?: Record<string, string> | undefined;
  /** SHA-256 digests (hex) the build took, by the text digested: the built-in packs' ruleset hashes. */
  digests?: Record<string, string> | undefined;
  /** Rule files' top levels (all but `rules`) as the rule-file schema returned them, by their JSON text. */
  tops?: Record<string, string> | undefined;
}

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');
const isStringRecord = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((item) => typeof item === 'string');

const PARSED_PACKS = new URL('../parsed-packs.json', import.meta.url);
let builtPacks: BuiltPacks | null | undefined;

/**
 * Reads the build's packs from `url` (the file next to dist/config by default) for this process; null
 * when missing or unreadable. A rule is trusted as validated only under the V8 that validated it: its
 * patterns were compiled by that engine's RegExp.
 */
export function loadBuiltPacks(url: URL = PARSED_PACKS): BuiltPacks | null {
  builtPacks = null;
  try {
    const file: unknown = JSON.parse(readFileSync(url, 'utf8'));
    if (typeof file !== 'object' || file === null) return null;
    const { packs, validated, v8, zones, texts, digests, tops, analyses, zoneOffsets } = file as Record<string, unknown>;
    if (typeof packs !== 'object' || packs === null) return null;
    // What compiling the packs worked out of their patterns (text/remembered.ts), and their zones' offsets.
    knowResults(analyses);
    knowZoneOffsets(zoneOffsets);
    const sameEngine = v8 === process.versions.v8 && typeof validated === 'object' && validated !== null;
    builtPacks = {
      packs: packs as Record<string, unknown>,
      validated: sameEngine ? (validated as Record<string, string>) : {},
      zones: sameEngine && isStringList(zones) ? zones : [],
      texts: isStringRecord(texts) ? texts : {},
      digests: isStringRecord(digests) ? digests : {},
      tops: sameEngine && isStringRecord(tops) ? tops : {},
    };
  } catch {
    // No build artefact (tests run the sources): every pack is parsed and validated as it is read.
  }
  return builtPacks;
}

const built = (): BuiltPacks | null => (builtPacks === undefined ? loadBuiltPacks() : builtPacks);

/**
 * The rule files this process parsed and the rules it validated itself, in the build's form: a worker
 * thread of `check --jobs` takes them (adoptPacks) instead of parsing the YAML and running zod and the
 * regex analysis again, which cost each worker ~0.1 s of a cold start.
 */
const learned: BuiltPacks & { zones: string[] } = { packs: {}, validated: {}, zones: [] };
export const learnedPacks = (): BuiltPacks => learned;

/** Takes rule files and rules another thread of this process parsed and validated (learnedPacks), as if built. */
export function adoptPacks(known: BuiltPacks): void {
  const own = built() ?? { packs: {}, validated: {} };
  builtPacks = {
    packs: { ...own.packs, ...known.packs },
    validated: { ...own.validated, ...known.validated },
    zones: [...(own.zones ?? []), ...(known.zones ?? [])],
    texts: { ...own.texts, ...known.texts },
    digests: { ...own.digests, ...known.digests },
    tops: { ...own.tops, ...known.tops },
  };
}

/**
 * Notes a rule this process validated, for its workers, when its validated form survives JSON as the
 * build's do (a kind whose schema returned anything else is validated again in each worker).
 */
export function learnValidated(entry: Record<string, unknown>, rule: unknown): void {
  const text = survivingJson(rule);
  if (text !== undefined) learned.validated[JSON.stringify(entry)] = text;
}

/** A value's JSON text when JSON gives the very value back (no dates, special numbers or undefined values). */
export function survivingJson(value: unknown): string | undefined {
  const text = JSON.stringify(value);
  return text !== undefined && isDeepStrictEqual(JSON.parse(text), value) ? text : undefined;
}

/**
 * A rule file's key: a built-in pack as shipped by its text (compared whole), any other file by the SHA-256
 * of its text. Loading crypto for the digest, with the streams it brings, was ~5% of a one-transcript check.
 */
function textKey(text: string): string {
  const texts = built()?.texts;
  if (texts) for (const key in texts) if (texts[key] === text) return key;
  return sha256(text);
}

/** SHA-256 (hex) of `text`: the build's digest when it took one of this very text (see digestsTakenBy). */
export function digestOf(text: string): string {
  const digests = built()?.digests;
  if (digests && Object.hasOwn(digests, text)) return digests[text] as string;
  const digest = sha256(text);
  if (taken) taken[text] = digest;
  return digest;
}

let taken: Record<string, string> | undefined;

/** The digests `load` takes, by the text digested: scripts/parse-packs.mjs keeps the built-in packs' rulesets'. */
export function digestsTakenBy(load: () => void): Record<string, string> {
  taken = {};
  try {
    load();
    return taken;
  } finally {
    taken = undefined;
  }
}

/**
 * Rule files and rules that earlier runs of this very build parsed and validated, kept in the user's cache
 * folder (rememberRulesIn): a team's own rule file then starts as fast as a built-in pack, without loading
 * the YAML parser (~30 ms) or running zod. Read on the first rule file that is not built in.
 */
let rememberedFile: string | undefined;
let remembered: BuiltPacks | undefined;

/** Keeps what this process learns in `folder` (none when empty), for runs of the same `build` only. */
export function rememberRulesIn(folder: string, build: string): void {
  rememberedFile = folder ? join(folder, `${REMEMBERED_PREFIX}${build}.json`) : undefined;
  remembered = undefined;
}

const REMEMBERED_PREFIX = 'rules-';
const isEmpty = (record: Record<string, unknown>): boolean => {
  for (const _key in record) return false;
  return true;
};
/** Past this, the file starts again from what the last run learned (a folder of many rule files stays small). */
const MAX_REMEMBERED_BYTES = 4 << 20;

function rememberedPacks(): BuiltPacks | undefined {
  if (!rememberedFile) return undefined;
  if (remembered) return remembered;
  remembered = { packs: {}, validated: {} };
  try {
    const file: unknown = JSON.parse(readFileSync(rememberedFile, 'utf8'));
    if (isJsonObject(file) && isJsonObject(file.packs) && isJsonObject(file.validated) && Object.values(file.validated).every((text) => typeof text === 'string')) {
      remembered = { packs: file.packs, validated: file.validated as Record<string, string>, zones: isStringList(file.zones) ? file.zones : [] };
    }
  } catch {
    // None yet, or unreadable: every rule file is parsed and validated, then remembered.
  }
  return remembered;
}

/**
 * Writes what this process learned beside what was remembered, whole or not at all; never fails the run.
 * When it learned nothing (a built-in pack as shipped), the file is not read: a cache folder that remembers a
 * team's rule files (the bench's 10,000 phrases, 0.5 MB) cost a one-transcript check ~6 ms.
 */
export function saveLearnedRules(): void {
  if (learned.zones.length === 0 && isEmpty(learned.packs) && isEmpty(learned.validated)) return;
  const kept = rememberedPacks();
  if (!rememberedFile || !kept) return;
  const isNew = (key: string, known: Record<string, unknown>) => !Object.hasOwn(known, key);
  // A file whose data JSON would change (a YAML .inf, say) is parsed again each time.
  const packs = Object.keys(learned.packs).filter((key) => isNew(key, kept.packs) && survivingJson(learned.packs[key]) !== undefined);
  const zones = learned.zones.filter((zone) => !kept.zones?.includes(zone));
  if (packs.length === 0 && zones.length === 0 && !Object.keys(learned.validated).some((key) => isNew(key, kept.validated))) return;
  const newPacks = Object.fromEntries(packs.map((key) => [key, learned.packs[key]]));
  let next: BuiltPacks = { packs: { ...kept.packs, ...newPacks }, validated: { ...kept.validated, ...learned.validated }, zones: [...(kept.zones ?? []), ...zones] };
  let text = JSON.stringify(next);
  if (text.length > MAX_REMEMBERED_BYTES) text = JSON.stringify((next = { packs: newPacks, validated: { ...learned.validated }, zones: [...learned.zones] }));
  remembered = next;
  try {
    const folder = dirname(rememberedFile);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const temp = `${rememberedFile}.${process.pid}.tmp`;
    writeFileSync(temp, text, { mode: 0o600 });
    renameSync(temp, rememberedFile);
    const own = basename(rememberedFile);
    for (const name of readdirSync(folder)) if (name.startsWith(REMEMBERED_PREFIX) && name.endsWith('.json') && name !== own) unlinkSync(join(folder, name));
  } catch {
    // A read-only cache folder only means parsing again next time.
  }
}

/**
 * Throws TimeZoneError for a name that is not an IANA zone, unless the build (or an earlier run of this
 * build, or this process) found it valid: asking ICU for its list of zones is ~4% of a one-transcript check.
 */
export function assertKnownZone(zone: string): void {
  if (built()?.zones?.includes(zone) || learned.zones.includes(zone)) return;
  // Workers learn it from this thread.
  if (!rememberedPacks()?.zones?.includes(zone)) assertTimeZone(zone);
  learned.zones.push(zone);
}

function preParsed(key: string): unknown {
  const packs = built()?.packs;
  if (packs && Object.hasOwn(packs, key)) return packs[key];
  const kept = rememberedPacks();
  if (!kept || !Object.hasOwn(kept.packs, key)) return undefined;
  // Workers learn it from this thread; the reader gets a copy, as it may change what it reads.
  learned.packs[key] = kept.packs[key];
  return structuredClone(kept.packs[key]);
}

/**
 * A rule exactly as a built-in pack ships it (or as an earlier run of this build validated it), as its
 * kind's schema returned it (a fresh copy: compiling may change it); undefined for any other rule.
 */
export function validatedAtBuild<Rule extends CommonRule>(_kind: RuleKind<Rule>, entry: Record<string, unknown>): { success: true; data: Rule } | undefined {
  const key = JSON.stringify(entry);
  const validated = built()?.validated;
  let text = validated && Object.hasOwn(validated, key) ? validated[key] : undefined;
  const kept = text === undefined ? rememberedPacks()?.validated : undefined;
  if (kept && Object.hasOwn(kept, key)) {
    text = kept[key];
    // Workers learn it from this thread.
    if (text !== undefined) learned.validated[key] = text;
  }
  // The build (or an earlier run of this build) ran this kind's schema on this very rule, under this V8 (see loadBuiltPacks).
  return typeof text === 'string' ? { success: true, data: JSON.parse(text) as Rule } : undefined;
}

/**
 * A rule file's top level exactly as a built-in pack ships it, as the rule-file schema returned it (with the
 * file's own `rules`); undefined for any other. Building that schema, with zod's and the input section's, was
 * ~6% of a one-transcript check.
 */
export function topValidatedAtBuild(data: unknown): { success: true; data: RuleFile } | undefined {
  const tops = built()?.tops;
  if (!tops || !isJsonObject(data)) return undefined;
  const { rules, ...rest } = data;
  if (rules !== undefined && !Array.isArray(rules)) return undefined;
  const key = JSON.stringify(rest);
  if (!Object.hasOwn(tops, key)) return undefined;
  return { success: true, data: { ...(JSON.parse(tops[key] as string) as Omit<RuleFile, 'rules'>), rules: rules === undefined ? [] : [...rules] } };
}

/** Parses YAML or JSON text; syntax errors and duplicate keys are ConfigErrors naming the line. */
export function parseRuleText(text: string, label: string, isJson: boolean): ParsedFile {
  if (isJson) {
    const [duplicate] = duplicateKeys(text);
    if (duplicate) {
      const line = text.slice(0, duplicate.at).split('\n').length;
      throw new ConfigError([`${label}:${line}: duplicate key ${JSON.stringify(duplicate.key)}`]);
    }
    try {
      return { data: JSON.parse(text), lineOf: () => null };
    } catch (error) {
      throw new ConfigError([`${label}: not valid JSON: ${(error as Error).message}`]);
    }
  }
  const key = textKey(text);
  const data = preParsed(key);
  // Lines are needed only for error messages: the YAML is parsed then.
  if (data !== undefined) return { data, lineOf: (path) => parseYamlText(text, label).lineOf(path) };
  const parsed = parseYamlText(text, label);
  // A copy as parsed: what reads the data may change it.
  learned.packs[key] = structuredClone(parsed.data);
  return parsed;
}

/** YAML texts parsed in this process (tests tell a remembered rule file from a parsed one by it). */
export let yamlParses = 0;

function parseYamlText(text: string, label: string): ParsedFile {
  yamlParses++;
  const { LineCounter, parseDocument, isNode } = loadYaml();
  const lineCounter = new LineCounter();
  // maxAliasCount bounds alias expansion, so a "billion laughs" file cannot exhaust memory.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => `${label}:${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new ConfigError([`${label}: ${(error as Error).message}`]);
  }
  return {
    data,
    lineOf(path) {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n) as unknown[], true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return null;
    },
  };
}

/** The keys an object schema accepts at `path` inside `schema` (through optional, default, array, union and pipe), for "did you mean". */
function knownKeys(schema: z.core.$ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const inner = (def.innerType ?? def.in ?? (def.type === 'array' ? def.element : undefined)) as z.core.$ZodType | undefined;
  if (inner && def.type !== 'object') return knownKeys(inner, def.type === 'array' ? path.slice(1) : path);
  if (def.type === 'union') return (def.options as z.core.$ZodType[]).flatMap((option) => knownKeys(option, path));
  if (def.type !== 'object') return [];
  const shape = def.shape as Record<string, z.core.$ZodType>;
  if (path.length === 0) return Object.keys(shape);
  const child = shape[String(path[0])];
  return child ? knownKeys(child, path.slice(1)) : [];
}

/** Zod issues as `label:line: path: message` lines; an unknown key names the known one it is closest to, if any. */
export function describeIssues(issues: ReadonlyArray<z.core.$ZodIssue>, prefix: PropertyKey[], label: string, file: ParsedFile, schema?: z.core.$ZodType): string[] {
  return issues.map((issue) => {
    let path = [...prefix, ...issue.path];
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      path = [...path, issue.keys[0] ?? ''];
      const hint = schema && issue.keys.length === 1 ? didYouMean(issue.keys[0] ?? '', knownKeys(schema, issue.path)) : '';
      message = `unknown key${issue.keys.length > 1 ? `s ${issue.keys.join(', ')}` : ''}${hint}`;
    } else if (issue.code === 'invalid_type') {
      message = issue.input === undefined ? `required (${issue.expected})` : `expected ${article(issue.expected)}`;
    }
    const line = file.lineOf(path);
    return `${label}${line ? `:${line}` : ''}: ${formatPath(path) || '(top level)'}: ${message}`;
  });
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}


/** `:line` for a key path, or nothing when the line is unknown. */
export function lineSuffix(file: ParsedFile, path: PropertyKey[]): string {
  const line = file.lineOf(path);
  return line ? `:${line}` : '';
}

/** Renders a zod-style path as `rules[2].maxSeconds`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}
