import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The folders of src/ form a one-way stack (see the module map in README.md): each imports only from
 * folders below it, never from one beside or above it, so data flows from reading to reporting and
 * nothing reaches back. `errors.ts` sits at the bottom; `index.ts` (the public API) at the top.
 */
const STACK: ReadonlyArray<readonly string[]> = [
  ['errors.ts'],
  ['model', 'text'],
  ['input', 'rules'],
  ['config'],
  ['engine'],
  ['report'],
  ['cli'],
  ['index.ts'],
];

const SRC = resolve(import.meta.dirname, '../../src');
const layerOf = new Map(STACK.flatMap((unit, layer) => unit.map((name) => [name, layer] as const)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The folder (or root file) of src/ a path belongs to: `input/time/calendar.ts` → `input`. */
function unitOf(path: string): string {
  return relative(SRC, path).split(/[\\/]/)[0] as string;
}

interface Edge {
  from: string;
  to: string;
}

/** Every relative import and export-from in src/, static or dynamic, as file → file (parsed by TypeScript, not by a regex). */
function importEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      edges.push({ from: file, to: resolve(dirname(file), fileName).replace(/\.js$/, '.ts') });
    }
  }
  return edges;
}

const edges = importEdges();
const show = (path: string) => relative(SRC, path);

describe('the import stack', () => {
  it('finds the imports it judges', () => {
    expect(edges.length).toBeGreaterThan(100);
    for (const unit of new Set(sourceFiles(SRC).map(unitOf))) expect(layerOf.has(unit), `src/${unit} has no place in STACK`).toBe(true);
  });

  it('has no import that runs upward or sideways between folders', () => {
    const wrong = edges
      .filter(({ from, to }) => {
        const [a, b] = [unitOf(from), unitOf(to)];
        return a !== b && (layerOf.get(b) as number) >= (layerOf.get(a) as number);
      })
      .map(({ from, to }) => `${show(from)} → ${show(to)}`);
    expect(wrong).toEqual([]);
  });

  it('has no cycle between folders', () => {
    const graph = new Map<string, Set<string>>();
    for (const { from, to } of edges) {
      const [a, b] = [unitOf(from), unitOf(to)];
      if (a !== b) graph.set(a, (graph.get(a) ?? new Set()).add(b));
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (unit: string, path: string[]) => {
      if (state.get(unit) === 'done') return;
      if (state.get(unit) === 'open') {
        cycles.push([...path.slice(path.indexOf(unit)), unit].join(' → '));
        return;
      }
      state.set(unit, 'open');
      for (const next of graph.get(unit) ?? []) visit(next, [...path, unit]);
      state.set(unit, 'done');
    };
    for (const unit of graph.keys()) visit(unit, []);
    expect(cycles).toEqual([]);
  });

  it('has no cycle between files either', () => {
    const graph = new Map<string, string[]>();
    for (const { from, to } of edges) graph.set(from, [...(graph.get(from) ?? []), to]);
    // Tarjan's strongly connected components: any component of more than one file is a loop.
    let counter = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const loops: string[] = [];
    const connect = (file: string) => {
      index.set(file, counter);
      low.set(file, counter++);
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (!index.has(next)) {
          connect(next);
          low.set(file, Math.min(low.get(file) as number, low.get(next) as number));
        } else if (stack.includes(next)) low.set(file, Math.min(low.get(file) as number, index.get(next) as number));
      }
      if (low.get(file) !== index.get(file)) return;
      const component = stack.splice(stack.indexOf(file));
      if (component.length > 1) loops.push(component.map(show).sort().join(', '));
    };
    for (const file of graph.keys()) if (!index.has(file)) connect(file);
    expect(loops).toEqual([]);
  });

  it('resolves every relative import to a file', () => {
    const known = new Set(sourceFiles(SRC));
    expect(edges.filter(({ to }) => !known.has(to)).map(({ from, to }) => `${show(from)} → ${show(to)}`)).toEqual([]);
  });
});
