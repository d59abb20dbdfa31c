import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { ConfigError, MappingError, type InputProblem } from '../errors.js';
import { compileInputSection } from '../input/mapping.js';
import { inputSectionSchema, type InputSection } from '../input/schema.js';
import { describeIssues, formatPath, lineSuffix, parseRuleText, type ParsedFile, PARSE_CONFIG } from './parse.js';
import type { Ruleset } from './ruleset.js';

/** Problems the schema cannot see in an `input` section (patterns, time formats, dates, paths), with file and line. */
export function describeInputProblems(problems: InputProblem[], prefix: PropertyKey[], label: string, file: ParsedFile): string[] {
  return problems.map((p) => `${label}${lineSuffix(file, [...prefix, ...p.path])}: ${formatPath([...prefix, ...p.path]) || '(top level)'}: ${p.message}`);
}

/** Loads a `--map` file: YAML or JSON with the keys of a rule file's `input` section at its top level. */
export function loadInputMap(path: string): InputSection {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new ConfigError([`${path}: cannot read map file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  const file = parseRuleText(text, path, extname(path).toLowerCase() === '.json');
  const parsed = inputSectionSchema().safeParse(file.data ?? {}, PARSE_CONFIG);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error.issues, [], path, file, inputSectionSchema()));
  const problems = describeInputProblems(compileInputSection(parsed.data).problems, [], path, file);
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed.data;
}

/** Merges a `--map` file's section over a rule file's: each top-level key the map file sets replaces the rule file's. */
export function mergeInputSections(base: InputSection | undefined, override: InputSection | undefined): InputSection | undefined {
  if (!base) return override;
  if (!override) return base;
  const merged: InputSection = { ...base };
  for (const [key, value] of Object.entries(override) as Array<[keyof InputSection, InputSection[keyof InputSection]]>) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}

/** The ruleset with a `--map` file's section laid over its own `input` (the hash stays the rule file's). */
export function withInputMap(ruleset: Ruleset, mapPath: string): Ruleset {
  const input = mergeInputSections(ruleset.input, loadInputMap(mapPath));
  if (!input) return ruleset;
  const { mapping, problems } = compileInputSection(input);
  // Both sections were checked on their own, and merging replaces whole keys, so this is not expected.
  if (problems.length > 0) throw new MappingError(problems);
  return { ...ruleset, input, mapping };
}
