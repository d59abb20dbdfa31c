import { readFileSync, statSync } from 'node:fs';
import { basename, relative } from 'node:path';
import { ConfigError } from '../errors.js';
import { compileRuleText } from './compile.js';
import { MAX_RULE_FILE_BYTES, tooLarge } from './limits.js';
import { BUILTIN_RULES_DIR, resolveRuleFile } from './presets.js';
import type { Ruleset } from './ruleset.js';

/** Loads the rule file a run uses (see resolveRuleFile). */
export function loadRuleset(options: { rules?: string | undefined; preset?: string | undefined; cwd?: string; allowLarge?: boolean }): Ruleset {
  const path = resolveRuleFile(options);
  let text: string;
  let size = 0;
  try {
    size = statSync(path).size;
    if (options.allowLarge || size <= MAX_RULE_FILE_BYTES) text = readFileSync(path, 'utf8');
    else text = '';
  } catch (error) {
    throw new ConfigError([`${options.rules ?? path}: cannot read rule file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  if (!options.allowLarge && size > MAX_RULE_FILE_BYTES) throw new ConfigError([tooLarge(options.rules ?? path, size)]);
  // Named as the user would type it: a path relative to the working folder (../chatlint.yaml when found above).
  const label = options.rules ?? (path.startsWith(BUILTIN_RULES_DIR) ? `rules/${basename(path)}` : relative(options.cwd ?? process.cwd(), path));
  return compileRuleText(text.replace(/^\uFEFF/, ''), label, path, { allowLarge: options.allowLarge ?? false });
}

