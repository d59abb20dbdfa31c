import { loadRuleset } from '../config/load.js';
import { loadYaml } from '../config/parse.js';
import type { Ruleset } from '../config/ruleset.js';
import { ChatlintError, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../errors.js';
import { testRuleset } from '../engine/rule-tests.js';
import { padEnd, displayWidth } from '../report/terminal-text.js';
import { didYouMean } from '../text/suggest.js';
import { reportError, type Io } from './io.js';

export interface RulesOptions {
  rules?: string;
  preset?: string;
  explain?: string;
  allowLargeRules?: boolean;
}

/** Runs a rules subcommand with the effective ruleset, turning configuration errors into exit code 2. */
function withRuleset(options: RulesOptions, io: Io, action: (ruleset: Ruleset) => number): number {
  try {
    return action(loadRuleset({ rules: options.rules, preset: options.preset, allowLarge: Boolean(options.allowLargeRules) }));
  } catch (error) {
    if (error instanceof ChatlintError) return reportError(error, io);
    throw error;
  }
}

function header(ruleset: Ruleset, io: Io): void {
  io.stdout.write(`${ruleset.name}${ruleset.description ? ` — ${ruleset.description}` : ''}\n`);
  const lines = [`source: ${ruleset.origin}`, ...(ruleset.extends ? [`extends: ${ruleset.extends}`] : []), `hash: ${ruleset.hash}`];
  if (ruleset.timezone) lines.push(`timezone: ${ruleset.timezone}`);
  lines.push(`scoring: base ${ruleset.scoring.base}, pass mark ${ruleset.scoring.passMark}`);
  io.stdout.write(`${lines.join('\n')}\n\n`);
}

/** `chatlint rules`: the effective rules, one line each; `--explain <id>`: one rule in full. */
export function listRules(options: RulesOptions, io: Io): number {
  return withRuleset(options, io, (ruleset) => {
    if (options.explain) return explainRule(ruleset, options.explain, io);
    header(ruleset, io);
    const rows = [['id', 'kind', 'severity', 'points', 'description']];
    for (const { rule, kind } of ruleset.rules) {
      const points = rule.critical ? 'critical' : rule.points ? String(rule.points) : '';
      rows.push([rule.id, kind.kind, rule.enabled ? rule.severity : `${rule.severity} (disabled)`, points, rule.description ?? kind.summary.split('. ')[0] ?? '']);
    }
    const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => displayWidth(r[i] ?? ''))));
    for (const row of rows) io.stdout.write(`${row.map((cell, i) => (i < 4 ? padEnd(cell, widths[i] ?? 0) : cell)).join('  ').trimEnd()}\n`);
    return EXIT_OK;
  });
}

function explainRule(ruleset: Ruleset, id: string, io: Io): number {
  const found = ruleset.rules.find((r) => r.rule.id === id);
  if (!found) {
    const ids = ruleset.rules.map((r) => r.rule.id);
    io.stderr.write(`chatlint: no rule "${id}" in ${ruleset.name}${didYouMean(id, ids)} (rules: ${ids.join(', ')})\n`);
    return EXIT_USAGE;
  }
  const { rule, kind } = found;
  io.stdout.write(`${rule.id} (${kind.kind}${rule.enabled ? '' : ', disabled'})\n`);
  if (rule.description) io.stdout.write(`${rule.description}\n`);
  io.stdout.write(`\nWhat it checks: ${kind.summary}\n`);
  io.stdout.write(`Message: ${rule.message ?? kind.defaultMessage}\n`);
  const scoring = rule.critical ? 'bottom-line item: a single finding sets the conversation score to 0' : rule.points ? `deducts ${rule.points} per finding, at most ${rule.maxPoints ?? rule.points} per conversation` : 'deducts nothing';
  io.stdout.write(`Scoring: ${scoring}\n\nEffective options:\n`);
  io.stdout.write(loadYaml().stringify(rule, { lineWidth: 0 }).replace(/^/gm, '  ').trimEnd() + '\n');
  return EXIT_OK;
}

/** `--print-config`: the effective rule file after `extends`, as YAML a team could save and load as it is. */
export function printConfig(options: RulesOptions, io: Io): number {
  return withRuleset(options, io, (ruleset) => {
    const config = {
      name: ruleset.name,
      ...(ruleset.description ? { description: ruleset.description } : {}),
      ...(ruleset.timezone ? { timezone: ruleset.timezone } : {}),
      scoring: ruleset.scoring,
      ...(ruleset.input ? { input: ruleset.input } : {}),
      rules: ruleset.rules.map(({ rule }) => rule),
    };
    io.stdout.write(`# effective rules from ${ruleset.file}${ruleset.extends ? ` (extends ${ruleset.extends})` : ''}, hash ${ruleset.hash}\n`);
    io.stdout.write(loadYaml().stringify(config, { lineWidth: 0 }));
    return EXIT_OK;
  });
}

/** `chatlint rules test`: runs every rule's examples; exit 1 when any rule misbehaves. */
export function testRules(options: RulesOptions, io: Io): number {
  return withRuleset(options, io, (ruleset) => {
    const results = testRuleset(ruleset);
    let failed = 0;
    let examples = 0;
    for (const result of results) {
      examples += result.examples;
      if (result.rejudged) {
        const count = result.dropped.length;
        const what = `${result.rejudged.changed.join(', ')} changed in ${result.rejudged.by}`;
        io.stdout.write(
          count === 0
            ? `~  ${result.ruleId}: inherited examples re-judged (${what}): all still hold\n`
            : `~  ${result.ruleId}: ${count} inherited example${count === 1 ? '' : 's'} dropped (${what}; ${count === 1 ? 'its verdict no longer holds' : 'their verdicts no longer hold'}):\n`,
        );
        for (const d of result.dropped) io.stdout.write(`     ${d.expected} example ${d.example}: ${d.lines.join(' / ')}\n`);
      }
      if (result.examples === 0) {
        io.stdout.write(`-  ${result.ruleId}: no examples\n`);
        continue;
      }
      if (result.failures.length === 0) {
        io.stdout.write(`ok ${result.ruleId}: ${result.examples} examples\n`);
        continue;
      }
      failed++;
      io.stdout.write(`FAIL ${result.ruleId}\n`);
      for (const f of result.failures) {
        io.stdout.write(`     ${f.expected} example ${f.example} ${f.problem}\n`);
        for (const line of f.lines) io.stdout.write(`       | ${line}\n`);
      }
    }
    io.stdout.write(`\n${results.length - failed} rules passed, ${failed} failed (${examples} examples)\n`);
    return failed > 0 ? EXIT_FINDINGS : EXIT_OK;
  });
}
