import { existsSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { loadRuleset } from '../config/load.js';
import { BUILTIN_RULES_DIR } from '../config/presets.js';
import { ChatlintError, EXIT_OK, EXIT_USAGE } from '../errors.js';
import { ReportWriteError, writeReport } from '../report/write.js';
import { reportError, type Io } from './io.js';

/** A commented starter that extends a preset and shows, for each of its rules, how to change it. */
export function starterRuleFile(preset: string, schemaPath = 'schema/chatlint.schema.json'): string {
  const ruleset = loadRuleset({ preset });
  const overrides = ruleset.rules
    .map(({ rule, kind }) => `  # - id: ${rule.id}        # ${kind.kind}: ${rule.description ?? ''}\n  #   severity: ${rule.severity}\n  #   enabled: true`)
    .join('\n');
  // The first line lets editors with the YAML language server complete and check the file.
  return `# yaml-language-server: $schema=${schemaPath}
# chatlint rules for your team. Docs: docs/rules.md; JSON Schema for editors: schema/chatlint.schema.json
#   chatlint rules                 the effective rules
#   chatlint rules --explain ID    one rule in full
#   chatlint rules test            run every rule's examples before the nightly run
extends: ${preset}
name: my-team
# timezone: ${ruleset.timezone ?? 'Asia/Shanghai'}      # for timestamps without an offset
# scoring:
#   base: ${ruleset.scoring.base}
#   passMark: ${ruleset.scoring.passMark}

rules:
  # Override a rule of ${preset} by its id: change severity, points or thresholds, or disable it.
  # Example: allow 90 s instead of 60 and deduct 5 points per late reply.
  # - id: reply-within-60s
  #   maxSeconds: 90
  #   points: 5
  #
  # Add phrases to a list without repeating the pack's own:
  # - id: no-rude-phrases
  #   append:
  #     phrases: ["烦死了"]
  #
  # Add a rule of your own (needs a kind; see docs/rules.md):
  # - id: no-personal-wechat
  #   kind: forbidden-phrase
  #   severity: error
  #   description: Agents never move customers to a personal WeChat
  #   patterns: ["加(?:我)?微信"]
  #   examples:
  #     fail: [["customer: 怎么联系你", "agent: 加我微信吧"]]
  #     pass: [["customer: 怎么联系你", "agent: 您可以拨打客服热线"]]
  #
  # The rules of ${preset}:
${overrides}
`;
}

export async function init(options: { preset?: string; force?: boolean; output?: string }, io: Io): Promise<number> {
  const target = resolve(options.output ?? 'chatlint.yaml');
  if (existsSync(target) && !options.force) {
    io.stderr.write(`chatlint: ${options.output ?? 'chatlint.yaml'} already exists; use --force to replace it\n`);
    return EXIT_USAGE;
  }
  let text: string;
  try {
    // The schema shipped with this chatlint, relative to the new file, so it works in a checkout and from node_modules.
    // A global install is far away: then the absolute path reads better than a climb of ../../..
    const schemaFile = resolve(BUILTIN_RULES_DIR, '..', 'schema', 'chatlint.schema.json');
    const near = relative(dirname(target), schemaFile);
    const schema = (near.startsWith(`..${sep}..`) ? schemaFile : near).split(sep).join('/');
    text = starterRuleFile(options.preset ?? 'zh-CN', schema);
  } catch (error) {
    if (!(error instanceof ChatlintError)) throw error;
    return reportError(error, io);
  }
  try {
    await writeReport(target, text);
  } catch (error) {
    if (!(error instanceof ReportWriteError)) throw error;
    io.stderr.write(`chatlint: ${error.message}\n`);
    return EXIT_USAGE;
  }
  io.stdout.write(`wrote ${options.output ?? 'chatlint.yaml'} (extends ${options.preset ?? 'zh-CN'}); try: chatlint rules\n`);
  return EXIT_OK;
}
