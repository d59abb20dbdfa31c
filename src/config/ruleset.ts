import type { InputMapping } from '../input/mapping.js';
import type { InputSection } from '../input/schema.js';
import type { Checker, CommonRule, RuleKind } from '../rules/kind.js';

/** A rule as the engine runs it: its options after defaults, its kind, and the checker compiled from them. */
export interface CompiledRule {
  rule: CommonRule;
  kind: RuleKind;
  checker: Checker;
  /** Set when the rule's examples come from an extended pack but a later file changed what it checks. */
  inheritedExamples?: InheritedExamples;
}

/** Examples written for the pack's options, kept only where they still hold under the override (see rules test). */
export interface InheritedExamples {
  /** The keys the override changed (maxSeconds, phrases, …). */
  changed: string[];
  /** The file that changed them. */
  by: string;
}

/** What config hands the engine: a rule file loaded, extended, validated and compiled once. */
export interface Ruleset {
  name: string;
  description: string | undefined;
  /** Where the rules came from: a path. */
  origin: string;
  /** The rule file as reports name it: a path relative to the working folder, or `rules/zh-CN.yaml` for a built-in pack. */
  file: string;
  /** The pack this one extends, as written. */
  extends: string | undefined;
  hash: string;
  timezone: string | undefined;
  /** How to read the exports (columns, role values, time formats, agent signatures), when the file (or a --map file) says. */
  input: InputSection | undefined;
  /** `input` compiled for the readers; undefined when it says nothing about columns, roles or times. */
  mapping: InputMapping | undefined;
  scoring: { base: number; passMark: number };
  /** Every rule as written, after defaults, in file order, disabled ones included. */
  rules: CompiledRule[];
}
