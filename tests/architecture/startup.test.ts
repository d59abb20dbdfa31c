import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { FORMATTERS } from '../../src/report/formatters/all.js';
import { FORMAT_NAMES, loadFormatter } from '../../src/report/formatters/index.js';

/**
 * Start-up time is most of a small run, and every module loaded at start-up adds to it. These tests walk
 * the static imports (not `import type`, not `await import()`) from the command line's entry points and
 * name the heavy packages a run must not load before it needs them.
 */
const SRC = resolve(import.meta.dirname, '../../src');

/** A file's value imports: relative ones as .ts paths, packages by name. */
function staticImports(file: string): { files: string[]; packages: string[] } {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const files: string[] = [];
  const packages: string[] = [];
  for (const statement of source.statements) {
    let specifier: ts.Expression | undefined;
    if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly) {
      const bindings = statement.importClause?.namedBindings;
      const onlyTypes = !statement.importClause?.name && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
      if (!onlyTypes) specifier = statement.moduleSpecifier;
    } else if (ts.isExportDeclaration(statement) && !statement.isTypeOnly) {
      specifier = statement.moduleSpecifier;
    }
    if (!specifier || !ts.isStringLiteral(specifier)) continue;
    const name = specifier.text;
    if (name.startsWith('.')) files.push(resolve(dirname(file), name).replace(/\.js$/, '.ts'));
    else if (!name.startsWith('node:')) packages.push(name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : (name.split('/')[0] as string));
  }
  return { files, packages };
}

/** Every package loaded at start-up from `entry`, with the chain of files that brings it in. */
function packagesReached(entry: string): Map<string, string[]> {
  const reached = new Map<string, string[]>();
  const seen = new Set<string>([entry]);
  const queue: Array<{ file: string; chain: string[] }> = [{ file: entry, chain: [relative(SRC, entry)] }];
  for (let next = queue.shift(); next; next = queue.shift()) {
    const { files, packages } = staticImports(next.file);
    for (const name of packages) if (!reached.has(name)) reached.set(name, next.chain);
    for (const file of files) {
      if (seen.has(file) || !existsSync(file)) continue;
      seen.add(file);
      queue.push({ file, chain: [...next.chain, relative(SRC, file)] });
    }
  }
  return reached;
}

function loadedAmong(entry: string, heavy: readonly string[]): string[] {
  const reached = packagesReached(resolve(SRC, entry));
  return heavy.filter((name) => reached.has(name)).map((name) => `${name} via ${(reached.get(name) ?? []).join(' → ')}`);
}

describe('start-up', () => {
  it('finds the imports it judges', () => {
    const reached = packagesReached(resolve(SRC, 'cli/check.ts'));
    expect(reached.has('zod')).toBe(true);
  });

  it('--help and --version load no schemas, widths, colours or CSV parser', () => {
    expect(loadedAmong('cli/main.ts', ['zod', 'string-width', 'chalk', 'csv-parse', 'yaml', 'luxon'])).toEqual([]);
  });

  it('a check writing JSON loads no widths, colours or CSV parser until it needs them', () => {
    expect(loadedAmong('cli/check.ts', ['string-width', 'chalk', 'csv-parse', 'yaml', 'luxon', 'fflate'])).toEqual([]);
  });

  it('the lazy formatter table names every formatter, and each name loads its own', async () => {
    expect([...FORMAT_NAMES].sort()).toEqual(FORMATTERS.map((f) => f.name).sort());
    for (const name of FORMAT_NAMES) expect((await loadFormatter(name))?.name).toBe(name);
    expect(await loadFormatter('nope')).toBeUndefined();
  });
});
