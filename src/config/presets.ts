import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';

/** Built-in packs ship in `rules/` at the package root (two levels above both src/config and dist/config). */
export const BUILTIN_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));
export const DEFAULT_PRESET = 'zh-CN';
const LOCAL_RULE_FILES = ['chatlint.yaml', 'chatlint.yml', 'chatlint.json'];

export function listPresets(): string[] {
  if (!existsSync(BUILTIN_RULES_DIR)) return [];
  return readdirSync(BUILTIN_RULES_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

export function presetPath(name: string): string {
  for (const ext of ['.yaml', '.yml']) {
    const candidate = resolve(BUILTIN_RULES_DIR, `${name}${ext}`);
    if (existsSync(candidate)) return candidate;
  }
  throw new ConfigError([`unknown preset "${name}" (built-in presets: ${listPresets().join(', ')})`]);
}

/** The rule file a run uses: --rules, else --preset, else ./chatlint.yaml, else the built-in zh-CN pack. */
export function resolveRuleFile(options: { rules?: string | undefined; preset?: string | undefined; cwd?: string }): string {
  if (options.rules) return resolve(options.cwd ?? process.cwd(), options.rules);
  if (options.preset) return presetPath(options.preset);
  for (const name of LOCAL_RULE_FILES) {
    const candidate = resolve(options.cwd ?? process.cwd(), name);
    if (existsSync(candidate)) return candidate;
  }
  return presetPath(DEFAULT_PRESET);
}

