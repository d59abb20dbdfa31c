import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';
import { didYouMean } from '../text/suggest.js';

/** Built-in packs ship in `rules/` at the package root (two levels above both src/config and dist/config). */
export const BUILTIN_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));
export const DEFAULT_PRESET = 'zh-CN';
/** Rule files looked for in the working folder and each folder above it, in this order. */
export const LOCAL_RULE_FILES = ['chatlint.yaml', '.chatlint.yaml', 'chatlint.yml', '.chatlint.yml', 'chatlint.json', '.chatlint.json'];

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
  throw new ConfigError([`unknown preset "${name}"${didYouMean(name, listPresets())} (built-in presets: ${listPresets().join(', ')})`]);
}

/**
 * The rule file found by walking up from `cwd`: the first folder holding one of LOCAL_RULE_FILES wins;
 * the walk stops after the repository root (a folder with .git) or at the file-system root.
 */
export function findLocalRuleFile(cwd: string): string | undefined {
  for (let folder = resolve(cwd); ; folder = dirname(folder)) {
    for (const name of LOCAL_RULE_FILES) {
      const candidate = resolve(folder, name);
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
    if (existsSync(resolve(folder, '.git')) || dirname(folder) === folder) return undefined;
  }
}

/** The rule file a run uses: --rules, else --preset, else a chatlint.yaml found walking up, else the built-in zh-CN pack. */
export function resolveRuleFile(options: { rules?: string | undefined; preset?: string | undefined; cwd?: string }): string {
  if (options.rules) return resolve(options.cwd ?? process.cwd(), options.rules);
  if (options.preset) return presetPath(options.preset);
  return findLocalRuleFile(options.cwd ?? process.cwd()) ?? presetPath(DEFAULT_PRESET);
}

