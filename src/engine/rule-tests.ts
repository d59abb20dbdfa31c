import type { CompiledRule, Ruleset } from '../config/ruleset.js';
import type { Finding } from '../model/report.js';
import { ExampleSyntaxError } from '../errors.js';
import { exampleConversation } from '../rules/examples.js';
import { checkConversation } from './apply-rules.js';

export interface ExampleFailure {
  expected: 'pass' | 'fail';
  example: number;
  lines: readonly string[];
  /** What went wrong: the findings a pass example produced, or that a fail example produced none. */
  problem: string;
}

export interface RuleTestResult {
  ruleId: string;
  /** Examples run and kept. */
  examples: number;
  failures: ExampleFailure[];
  /** Inherited examples whose verdict no longer holds under an override: dropped, not failed. */
  dropped: ExampleFailure[];
  /** Why examples were re-judged: the keys an override changed and the file that changed them. */
  rejudged?: { changed: string[]; by: string };
}

function describeFinding(f: Finding): string {
  return `message ${f.messageIndex}: ${f.message}${f.match ? ` [${f.match}]` : ''}`;
}

/** Runs one rule alone over each of its examples: pass examples must give no finding, fail examples at least one. */
export function testRule(compiled: CompiledRule): RuleTestResult {
  const { rule } = compiled;
  const failures: ExampleFailure[] = [];
  const dropped: ExampleFailure[] = [];
  const cases = [
    ...(rule.examples?.pass ?? []).map((lines) => ({ expected: 'pass' as const, lines })),
    ...(rule.examples?.fail ?? []).map((lines) => ({ expected: 'fail' as const, lines })),
  ];
  const counters = { pass: 0, fail: 0 };
  for (const { expected, lines } of cases) {
    const example = ++counters[expected];
    let findings: Finding[];
    try {
      findings = checkConversation([{ ...compiled, rule: { ...rule, enabled: true, appliesTo: undefined } }], exampleConversation(lines, `${rule.id}:${expected}${example}`));
    } catch (error) {
      if (!(error instanceof ExampleSyntaxError)) throw error;
      failures.push({ expected, example, lines, problem: error.message });
      continue;
    }
    const problem =
      expected === 'pass' && findings.length > 0 ? `reported ${findings.map(describeFinding).join('; ')}` : expected === 'fail' && findings.length === 0 ? 'reported nothing' : null;
    if (problem === null) continue;
    // Examples inherited from a pack and re-judged under an override: those that still hold are kept, the rest dropped.
    (compiled.inheritedExamples ? dropped : failures).push({ expected, example, lines, problem });
  }
  return {
    ruleId: rule.id,
    examples: cases.length - dropped.length,
    failures,
    dropped,
    ...(compiled.inheritedExamples ? { rejudged: compiled.inheritedExamples } : {}),
  };
}

export function testRuleset(ruleset: Ruleset): RuleTestResult[] {
  return ruleset.rules.map(testRule);
}
