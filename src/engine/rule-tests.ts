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
  examples: number;
  failures: ExampleFailure[];
}

function describeFinding(f: Finding): string {
  return `message ${f.messageIndex}: ${f.message}${f.match ? ` [${f.match}]` : ''}`;
}

/** Runs one rule alone over each of its examples: pass examples must give no finding, fail examples at least one. */
export function testRule(compiled: CompiledRule): RuleTestResult {
  const { rule } = compiled;
  const failures: ExampleFailure[] = [];
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
    if (expected === 'pass' && findings.length > 0) failures.push({ expected, example, lines, problem: `reported ${findings.map(describeFinding).join('; ')}` });
    if (expected === 'fail' && findings.length === 0) failures.push({ expected, example, lines, problem: 'reported nothing' });
  }
  return { ruleId: rule.id, examples: cases.length, failures };
}

export function testRuleset(ruleset: Ruleset): RuleTestResult[] {
  return ruleset.rules.map(testRule);
}
