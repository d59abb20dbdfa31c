import { createRequire } from 'node:module';
import type { CharSet, ENFA } from 'refa';

type Refa = typeof import('refa');
let loaded: Refa | undefined;
/** refa is loaded on the first pattern without a cached verdict, so a run whose verdicts are all cached never pays for it. */
const refa = (): Refa => (loaded ??= createRequire(import.meta.url)('refa') as Refa);

/**
 * The automaton half of the regular-expression safety check: a pure function of the pattern and its
 * flags (no clock, no randomness), so a rule file loads the same way on every machine.
 *
 * A backtracking engine such as V8's is slow exactly when the pattern's NFA is ambiguous in one of two
 * ways (Weideman, van der Merwe, Berglund, Watson: "Analyzing matching time behavior of backtracking
 * regular expression matchers by using ambiguity of NFA", 2016):
 * - EDA (exponential): a state q with two different paths from q back to q reading the same word;
 * - IDA (polynomial): states p ≠ q and one word w leading p→p, p→q and q→q.
 * The search is made unanchored the way V8 runs it (an implicit `[\s\S]*` before the pattern), and a
 * blow-up counts only when the run can fail after the pumped part (the pumped state does not accept:
 * a run that can stop there matches at once instead of backtracking). The search is bounded by a
 * number of product states, never by time; a pattern too big to analyse is refused with a hint.
 */

export interface Ambiguity {
  complexity: 'exponential' | 'polynomial';
  degree?: number;
  /** A word that pumps the blow-up. */
  pump: string;
}

/** Product states an analysis may visit; past this the pattern is too complex to analyse. */
export const MAX_PRODUCT_STATES = 400_000;

/** States of the pattern's ε-NFA past which it is too big to analyse. */
export const MAX_NFA_STATES = 20_000;

export class TooComplexToAnalyse extends Error {}

type Node = ENFA.Node;

/**
 * The pattern's NFA without ε-moves, keeping every distinct path: a character edge p→t is listed once
 * per distinct ε-path from p to the state that reads the character (capped at two: two is ambiguity).
 * Built from refa's structure-preserving ε-NFA, so `(a+)+` keeps its two ways round the loop.
 */
interface Automaton {
  size: number;
  /** Outgoing edges of each state: [target, characters]; a repeated target is a parallel path. */
  out: Array<Array<[number, CharSet]>>;
  finals: Set<number>;
}

function automaton(source: string, flags: string, anchoredEnd: boolean): Automaton {
  const anchoredStart = /^\^/.test(source) && !flags.includes('m');
  const wrapped = anchoredStart ? `(?:${source})` : `[\\s\\S]*(?:${source})`;
  const { JS, ENFA: Enfa } = refa();
  const parser = JS.Parser.fromLiteral({ source: wrapped, flags: flags.replace(/[gyd]/g, '') });
  const { expression, maxCharacter } = parser.parse({ assertions: 'ignore', backreferences: 'disable', maxBackreferenceWords: 0, simplify: false });
  const enfa = Enfa.fromRegex(expression, { maxCharacter }, { assertions: 'ignore' }, new Enfa.LimitedNodeFactory(MAX_NFA_STATES));
  const nodes = [...enfa.nodes()];
  const index = new Map(nodes.map((node, i) => [node, i]));
  const epsilon = nodes.map((node) => [...node.out].filter(([, chars]) => chars === null).map(([to]) => index.get(to) as number));
  const reads = nodes.map((node) => [...node.out].filter((edge): edge is [Node, CharSet] => edge[1] !== null).map(([to, chars]): [number, CharSet] => [index.get(to) as number, chars]));
  const final = index.get(enfa.final) as number;
  // States that matter: the start and every state a character leads to.
  const kept = [index.get(enfa.initial) as number, ...new Set(reads.flat().map(([to]) => to))].filter((v, i, all) => all.indexOf(v) === i);
  const renumber = new Map(kept.map((v, i) => [v, i]));
  const out: Array<Array<[number, CharSet]>> = [];
  const finals = new Set<number>();
  for (const from of kept) {
    // Number of distinct ε-paths from `from` to each state, capped at 2 (an ε-cycle on the way makes 2).
    const paths = new Map<number, number>([[from, 1]]);
    for (let changed = true; changed; ) {
      changed = false;
      const next = new Map<number, number>([[from, 1]]);
      for (const [v, count] of paths) for (const w of epsilon[v] as number[]) next.set(w, Math.min(2, (next.get(w) ?? 0) + count));
      for (const [v, count] of next) {
        if (paths.get(v) !== count) changed = true;
      }
      if (changed) {
        paths.clear();
        for (const [v, count] of next) paths.set(v, count);
      }
    }
    const edges: Array<[number, CharSet]> = [];
    for (const [v, count] of paths) {
      if (v === final && !anchoredEnd) finals.add(renumber.get(from) as number);
      for (const [to, chars] of reads[v] as Array<[number, CharSet]>) for (let k = 0; k < count; k++) edges.push([renumber.get(to) as number, chars]);
    }
    out.push(edges);
  }
  return { size: kept.length, out, finals };
}

/** Strongly connected components of the NFA (iterative Tarjan), as a component number per state. */
function components(count: number, successors: (v: number) => number[]): { component: Int32Array; cyclic: boolean[] } {
  const component = new Int32Array(count).fill(-1);
  const order = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const cyclic: boolean[] = [];
  let counter = 0;
  let next = 0;
  for (let root = 0; root < count; root++) {
    if (order[root] !== -1) continue;
    const work: Array<[number, number]> = [[root, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1] as [number, number];
      const [v, i] = frame;
      if (i === 0) {
        order[v] = low[v] = counter++;
        stack.push(v);
        onStack[v] = 1;
      }
      const succ = successors(v);
      if (i < succ.length) {
        frame[1]++;
        const w = succ[i] as number;
        if (order[w] === -1) work.push([w, 0]);
        else if (onStack[w]) low[v] = Math.min(low[v] as number, order[w] as number);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = (work[work.length - 1] as [number, number])[0];
        low[parent] = Math.min(low[parent] as number, low[v] as number);
      }
      if (low[v] === order[v]) {
        let size = 0;
        for (;;) {
          const w = stack.pop() as number;
          onStack[w] = 0;
          component[w] = next;
          size++;
          if (w === v) break;
        }
        cyclic[next] = size > 1 || succ.includes(v);
        next++;
      }
    }
  }
  return { component, cyclic };
}

function pick(chars: CharSet): string {
  const range = chars.ranges[0];
  if (!range) return '';
  // Prefer a printable character of the set, for a readable example.
  for (const r of chars.ranges) {
    const c = Math.max(r.min, 0x20);
    if (c <= r.max && c !== 0x7f) return String.fromCodePoint(c);
  }
  return String.fromCodePoint(range.min);
}

/**
 * Breadth-first search in the product of `width` copies of the NFA restricted by `allowed`, from `start`
 * to a state `isTarget` accepts; returns the word read on the way, or null. Every step reads one
 * character that all copies can read.
 */
function productSearch(
  a: Automaton,
  start: number[],
  isTarget: (state: number[]) => boolean,
  allowed: (copy: number, state: number) => boolean,
  budget: { left: number },
): string | null {
  const n = a.size;
  const key = (s: number[]) => s.reduce((k, v) => k * n + v, 0);
  const parent = new Map<number, { from: number; char: string; state: number[] }>();
  const startKey = key(start);
  parent.set(startKey, { from: -1, char: '', state: start });
  let frontier: number[][] = [start];
  while (frontier.length > 0) {
    const nextFrontier: number[][] = [];
    for (const state of frontier) {
      // All combinations of one transition per copy whose character sets share a character.
      let partial: Array<{ to: number[]; chars: CharSet | null }> = [{ to: [], chars: null }];
      for (let copy = 0; copy < state.length; copy++) {
        const grown: typeof partial = [];
        for (const { to, chars } of partial) {
          for (const [target, via] of a.out[state[copy] as number] as Array<[number, CharSet]>) {
            if (!allowed(copy, target)) continue;
            const both = chars === null ? via : chars.intersect(via);
            if (both.isEmpty) continue;
            grown.push({ to: [...to, target], chars: both });
          }
        }
        partial = grown;
      }
      for (const { to, chars } of partial) {
        const k = key(to);
        const stepped = parent.get(key(state));
        if (isTarget(to)) {
          let word = pick(chars as CharSet);
          for (let p = stepped; p && p.from !== -1; p = parent.get(p.from)) word = p.char + word;
          return word;
        }
        if (parent.has(k)) continue;
        if (--budget.left < 0) throw new TooComplexToAnalyse();
        parent.set(k, { from: key(state), char: pick(chars as CharSet), state: to });
        nextFrontier.push(to);
      }
    }
    frontier = nextFrontier;
  }
  return null;
}

/** The worst ambiguity of the pattern's NFA, or null when matching runs in linear time. */
export function ambiguity(source: string, flags: string): Ambiguity | null {
  const anchoredEnd = /(?:^|[^\\])(?:\\\\)*\$$/.test(source) || /\(\?=[^()]*\)$/.test(source);
  let a: Automaton;
  try {
    a = automaton(source, flags, anchoredEnd);
  } catch (error) {
    // Past MAX_NFA_STATES (a{0,50000}): refused as too big to analyse, never let through unchecked.
    if (error instanceof refa().TooManyNodesError) throw new TooComplexToAnalyse();
    throw error;
  }
  const n = a.size;
  const successors = (v: number) => (a.out[v] as Array<[number, CharSet]>).map(([to]) => to);
  const { component, cyclic } = components(n, successors);
  const budget = { left: MAX_PRODUCT_STATES };
  const looping = [...Array(n).keys()].filter((v) => cyclic[component[v] as number] && !a.finals.has(v));

  // EDA: from (q, q) reach a pair of two different states and come back to (q, q), all in q's component.
  for (const q of looping) {
    const c = component[q];
    const within = (_copy: number, s: number) => component[s] === c;
    const edges = a.out[q] as Array<[number, CharSet]>;
    for (let i = 0; i < edges.length; i++) {
      for (let j = i + 1; j < edges.length; j++) {
        const [first, via1] = edges[i] as [number, CharSet];
        const [second, via2] = edges[j] as [number, CharSet];
        if (!within(0, first) || !within(1, second) || via1.isDisjointWith(via2)) continue;
        if (first === q && second === q) return { complexity: 'exponential', pump: pick(via1.intersect(via2)) };
        const back = productSearch(a, [first, second], (s) => s[0] === q && s[1] === q, within, budget);
        if (back !== null) return { complexity: 'exponential', pump: pick(via1.intersect(via2)) + back };
      }
    }
  }

  // IDA: p ≠ q with one word leading p→p, p→q and q→q (copies stay in p's component, between, q's component).
  for (const p of [...Array(n).keys()].filter((v) => cyclic[component[v] as number])) {
    for (const q of looping) {
      if (q === p || component[q] === component[p]) continue;
      const allowed = (copy: number, s: number) => (copy === 0 ? component[s] === component[p] : copy === 2 ? component[s] === component[q] : true);
      const word = productSearch(a, [p, p, q], (s) => s[0] === p && s[1] === q && s[2] === q, allowed, budget);
      if (word !== null) return { complexity: 'polynomial', degree: 2, pump: word };
    }
  }
  return null;
}
