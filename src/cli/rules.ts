import { loadRuleset } from '../config/load.js';
import { ConfigError } from '../config/errors.js';
import { padEnd, displayWidth } from '../report/terminal-text.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import type { Io } from './check.js';

/** `chatlint rules`: the effective rules, one line each. */
export function listRules(options: { rules?: string; preset?: string }, io: Io): number {
  try {
    const ruleset = loadRuleset(options);
    io.stdout.write(`${ruleset.name}${ruleset.description ? ` — ${ruleset.description}` : ''}\n`);
    io.stdout.write(`source: ${ruleset.origin}\nhash: ${ruleset.hash}${ruleset.timezone ? `\ntimezone: ${ruleset.timezone}` : ''}\n\n`);
    const rows = [['id', 'kind', 'severity', 'description']];
    for (const { rule, kind } of ruleset.rules) {
      rows.push([rule.id, kind.kind, rule.enabled ? rule.severity : `${rule.severity} (disabled)`, rule.description ?? kind.summary.split('. ')[0] ?? '']);
    }
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => displayWidth(r[i] ?? ''))));
    for (const row of rows) io.stdout.write(`${row.map((cell, i) => (i < 3 ? padEnd(cell, widths[i] ?? 0) : cell)).join('  ')}\n`);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) io.stderr.write(`chatlint: ${problem}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
