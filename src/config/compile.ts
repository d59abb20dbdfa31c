import { basename, resolve } from 'node:path';
import { ConfigError, TimeZoneError } from '../errors.js';
import { COMMON_PLACEHOLDERS } from '../rules/kind.js';
import { findKind, RULE_KINDS } from '../rules/registry.js';
import { placeholderProblems } from '../text/template.js';
import { readPack } from './extends.js';
import { countPhrases, MAX_RULE_PHRASES, type RuleFileLimits } from './limits.js';
import { assertKnownZone, describeIssues, digestOf, formatPath, learnValidated, lineSuffix, PARSE_CONFIG, saveLearnedRules, validatedAtBuild } from './parse.js';
import type { CompiledRule, Ruleset } from './ruleset.js';
import { withPatternsTrusted } from '../rules/regex-safety.js';
import { keyedByInput } from '../model/records.js';
import { didYouMean } from '../text/suggest.js';

/** Parses, validates and compiles a rule file's text (following `extends`). `label` names it in every error. */
export function compileRuleText(text: string, label: string, origin = label, limits: RuleFileLimits = {}): Ruleset {
  const pack = readPack(text, label, resolve(origin), [resolve(origin)], limits);
  // Counted before any pattern is compiled or analysed: 10,000 phrases is already a very large pack.
  const phrases = countPhrases(pack.entries.map((e) => e.value));
  if (!limits.allowLarge && phrases > MAX_RULE_PHRASES) {
    throw new ConfigError([
      `${label}: ${phrases} phrases and patterns, over the limit of ${MAX_RULE_PHRASES} (pass --allow-large-rules if the pack is meant to be this big)`,
    ]);
  }
  const { top } = pack;
  const problems = [...pack.problems];
  if (top.timezone) {
    try {
      assertKnownZone(top.timezone);
    } catch (error) {
      if (!(error instanceof TimeZoneError)) throw error;
      problems.push(`${label}: timezone: ${error.message}`);
    }
  }

  const compiled: CompiledRule[] = [];
  const ids = new Set<string>();
  for (const { value: entry, source, index, inheritedExamples } of pack.entries) {
    const at = ['rules', index];
    const where = (key: PropertyKey[]) => `${source.label}${lineSuffix(source.file, [...at, ...key])}: ${formatPath([...at, ...key])}`;
    const kindName = entry.kind;
    const kind = typeof kindName === 'string' ? findKind(kindName) : undefined;
    if (!kind) {
      const known = RULE_KINDS.map((k) => k.kind).join(', ');
      const what = kindName === undefined ? 'required' : `unknown kind ${JSON.stringify(kindName)}${didYouMean(String(kindName), RULE_KINDS.map((k) => k.kind))}`;
      problems.push(`${where(['kind'])}: ${what} (known kinds: ${known})`);
      continue;
    }
    const built = validatedAtBuild(kind, entry);
    const parsed = built ?? withPatternsTrusted(entry.trustPatterns === true, () => kind.schema.safeParse(entry, PARSE_CONFIG));
    if (!parsed.success) {
      problems.push(...describeIssues(parsed.error.issues, at, source.label, source.file, kind.schema));
      continue;
    }
    if (!built) learnValidated(entry, parsed.data);
    const rule = parsed.data;
    // zod builds records on a plain object, where a key "__proto__" is lost: the validated filter is copied
    // onto a null-prototype object, so metadata named like Object.prototype's properties is filtered like any other.
    if (rule.appliesTo && typeof entry.appliesTo === 'object' && entry.appliesTo !== null) {
      rule.appliesTo = Object.assign(keyedByInput<string | string[]>(), entry.appliesTo as Record<string, string | string[]>);
    }
    if (ids.has(rule.id)) problems.push(`${where(['id'])}: duplicate rule id "${rule.id}"`);
    ids.add(rule.id);
    for (const problem of placeholderProblems(rule.message, [...COMMON_PLACEHOLDERS, ...kind.placeholders])) problems.push(`${where(['message'])}: ${problem}`);
    compiled.push({ rule, kind, checker: kind.compile(rule), ...(inheritedExamples ? { inheritedExamples } : {}) });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  saveLearnedRules();

  const effective = compiled.map((c) => c.rule);
  const hash = digestOf(JSON.stringify({ timezone: top.timezone, scoring: top.scoring, rules: effective, input: top.input })).slice(0, 12);
  return {
    name: top.name ?? basename(label).replace(/\.(ya?ml|json)$/i, ''),
    description: top.description,
    origin,
    file: label,
    extends: top.extends,
    hash,
    timezone: top.timezone,
    input: top.input,
    mapping: pack.mapping,
    scoring: top.scoring,
    rules: compiled,
  };
}

