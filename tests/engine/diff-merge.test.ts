import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareReports, diffReports, findingIdentity, listedDiff, type DiffSide } from '../../src/engine/diff.js';
import { loadReportFile } from '../../src/input/report-file.js';
import { DIFF_SCHEMA_VERSION, type DiffCounts, type ListedDiff, type ReportDiff } from '../../src/model/diff.js';
import type { AgentSummary, Finding, Report } from '../../src/model/report.js';
import { diffJson, formatDiff } from '../../src/report/diff-format.js';
import { chatlint, expectedOutput, tempDir } from '../helpers/cli.js';
import { generatedNight } from '../helpers/night.js';

const TEMPLATE = JSON.parse(expectedOutput('fixtures/transcript/one-chat.json.expected')) as Report;
const BASE_FINDING = TEMPLATE.findings[0] as Finding;
const AGENT = TEMPLATE.agents[0] as AgentSummary;
const FILES = { baseline: 'yesterday.json', current: 'today.json' };

/**
 * The comparison as main had it before it went by conversation (kept here as the reference, unchanged in
 * what it does): every identity in one Map, the lists built identity by identity and sorted at the end.
 */
function referenceDiff(baseline: Report, current: Report): ReportDiff {
  const zero = (): DiffCounts => ({ new: 0, resolved: 0, unchanged: 0 });
  const round1 = (n: number) => Math.round(n * 10) / 10 || 0;
  const scoreChange = (before: number | null | undefined, after: number | null | undefined) => {
    const scoreBefore = before ?? null;
    const scoreAfter = after ?? null;
    return { scoreBefore, scoreAfter, scoreChange: scoreBefore === null || scoreAfter === null ? null : round1(scoreAfter - scoreBefore) };
  };
  const identities = new Map<string, { rank: number; before: number; after: number; seen: number }>();
  const tallyOf = (f: Finding) => {
    const key = findingIdentity(f);
    let tally = identities.get(key);
    if (!tally) identities.set(key, (tally = { rank: identities.size, before: 0, after: 0, seen: 0 }));
    return tally;
  };
  const agents = new Map<string, DiffCounts>();
  const rules = new Map<string, DiffCounts>();
  const totals = zero();
  const tally = (f: Finding, kind: keyof DiffCounts) => {
    totals[kind]++;
    const agent = agents.get(f.agentId ?? '') ?? zero();
    agent[kind]++;
    agents.set(f.agentId ?? '', agent);
    const rule = rules.get(f.ruleId) ?? zero();
    rule[kind]++;
    rules.set(f.ruleId, rule);
  };
  for (const f of baseline.findings) tallyOf(f).before++;
  const newFindings: Array<{ finding: Finding; rank: number; seq: number }> = [];
  current.findings.forEach((f, seq) => {
    const identity = tallyOf(f);
    identity.after++;
    if (identity.seen++ < identity.before) tally(f, 'unchanged');
    else {
      tally(f, 'new');
      newFindings.push({ finding: f, rank: identity.rank, seq });
    }
  });
  for (const identity of identities.values()) identity.seen = 0;
  const resolvedFindings: typeof newFindings = [];
  baseline.findings.forEach((f, seq) => {
    const identity = tallyOf(f);
    if (identity.seen++ >= identity.after) {
      tally(f, 'resolved');
      resolvedFindings.push({ finding: f, rank: identity.rank, seq });
    }
  });
  const agentsBefore = new Map(baseline.agents.map((a) => [a.agentId, a]));
  const agentsAfter = new Map(current.agents.map((a) => [a.agentId, a]));
  const agentIds = new Set([...agentsBefore.keys(), ...agentsAfter.keys(), ...agents.keys()]);
  const order = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  const side = (report: Report, file: string) => ({ file, ruleset: report.ruleset, findings: report.summary.findings, listed: report.findings.length });
  const sorted = (placed: typeof newFindings) =>
    placed
      .sort((a, b) => a.rank - b.rank || a.seq - b.seq)
      .map((p) => p.finding)
      .sort((a, b) => order(a.conversationId, b.conversationId) || a.messageIndex - b.messageIndex || a.ruleId.localeCompare(b.ruleId));
  return {
    diffSchemaVersion: DIFF_SCHEMA_VERSION,
    baseline: side(baseline, FILES.baseline),
    current: side(current, FILES.current),
    rulesChanged: baseline.ruleset.hash !== current.ruleset.hash,
    worse: totals.new > 0,
    totals: { ...totals, ...scoreChange(baseline.summary.averageScore, current.summary.averageScore) },
    agents: [...agentIds].sort(order).map((agentId) => {
      const then = agentsBefore.get(agentId);
      const now = agentsAfter.get(agentId);
      return { agentId, agentName: now?.agentName ?? then?.agentName ?? null, ...(agents.get(agentId) ?? zero()), ...scoreChange(then?.averageScore, now?.averageScore) };
    }),
    rules: [...rules].sort(([a], [b]) => order(a, b)).map(([ruleId, counts]) => ({ ruleId, ...counts })),
    newFindings: sorted(newFindings),
    resolvedFindings: sorted(resolvedFindings),
  };
}

const text = (pieces: Iterable<string | Uint8Array>) => Buffer.concat([...pieces].map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString('utf8');

/** Every way a diff is printed, as text: JSON at the top level and nested in a report, CSV, pretty. */
function printed(diff: ListedDiff): string[] {
  return [text(formatDiff(diff, 'json', false)), text(diffJson(diff, '  ')), text(formatDiff(diff, 'csv', false)), text(formatDiff(diff, 'pretty', false))];
}

/** What main printed: JSON.stringify of the whole diff, its lists in memory. */
function printedByReference(diff: ReportDiff): string[] {
  const listed = listedDiff(diff);
  return [`${JSON.stringify(diff, null, 2)}\n`, JSON.stringify(diff, null, 2).replace(/\n/g, '\n  '), text(formatDiff(listed, 'csv', false)), text(formatDiff(listed, 'pretty', false))];
}

/** The lists' conversation order (ids that collate alike in code-unit order). */
const collated = new Intl.Collator('en', { numeric: true });
const inOrder = (a: string, b: string) => collated.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

/** Ids that sort alike in the lists ("c1" and "c01", a soft hyphen, é precomposed or not) or apart only by number. */
const IDS = ['c1', 'c01', 'c2', 'c10', 'c\u00AD2', 'é', 'e\u0301', 'B7', 'b7', 'c9'];
const RULES = ['rude', 'slow', 'r\u00ADude', 'punct'];
const TEXTS = ['天啊', '我晕', 'no idea', '？？'];

function randomNights(seed: number) {
  const random = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
  const pick = <T>(items: readonly T[]) => items[random(items.length)] as T;
  const finding = (conversationId: string): Finding => {
    const said = pick(TEXTS);
    return { ...BASE_FINDING, conversationId, ruleId: pick(RULES), agentId: pick(['7', '8', '07', null]), match: random(5) === 0 ? null : said, excerpt: `… ${said} …`, messageIndex: random(4) };
  };
  /** A night: some of the ids, each with a few findings (repeats of one identity are likely), grouped in order. */
  const night = (): Finding[] =>
    IDS.filter(() => random(3) > 0)
      .sort(inOrder)
      .flatMap((id) => Array.from({ length: random(6) }, () => finding(id)));
  const report = (findings: Finding[], counted: number, hash: string): Report => ({
    ...TEMPLATE,
    ruleset: { name: 'team', hash },
    findings,
    agents: ['7', '8', '07'].filter(() => random(2) === 0).map((agentId) => ({ ...AGENT, agentId, agentName: `name ${agentId}`, averageScore: random(3) === 0 ? null : random(100) })),
    summary: { ...TEMPLATE.summary, findings: counted, averageScore: random(4) === 0 ? null : random(1000) / 10 },
  });
  return { random, night, report };
}

const sideOf = (report: Report): DiffSide => report;

describe('compareReports: a conversation at a time, the same bytes as the comparison in memory', () => {
  it('on random nights: repeats, ids and rules that collate alike, conversations on one side, empty and --quiet reports', async () => {
    for (let round = 0; round < 120; round++) {
      const { random, night, report } = randomNights(round + 1);
      const yesterday = round % 10 === 0 ? [] : night();
      // Tonight: some of yesterday's findings again, in their conversations' places, and some more.
      const kept = new Set(yesterday.filter(() => random(3) > 0));
      const tonight = round % 10 === 5 ? [] : [...yesterday.filter((f) => kept.has(f)), ...night()].sort((a, b) => inOrder(a.conversationId, b.conversationId));
      const before = report(yesterday, yesterday.length + (round % 7 === 0 ? 3 : 0), 'h1');
      const after = report(tonight, tonight.length + (round % 9 === 0 ? 2 : 0), round % 4 === 0 ? 'h2' : 'h1');
      const comparison = await compareReports(sideOf(before), sideOf(after), FILES);
      try {
        expect(comparison.sorted, `round ${round}`).toEqual({ baseline: false, current: false });
        expect(printed(comparison.diff), `round ${round}`).toEqual(printedByReference(referenceDiff(before, after)));
        // The library's diffReports (everything in memory) too.
        expect(await diffReports(sideOf(before), sideOf(after), FILES), `round ${round}`).toEqual(referenceDiff(before, after));
      } finally {
        comparison.close();
      }
    }
  });

  it('lists longer than a slice go to disk and come back whole', async () => {
    const { night, report } = randomNights(99);
    const many = (prefix: string) => Array.from({ length: 120 }, (_, i) => night().map((f) => ({ ...f, conversationId: `${prefix}${i}-${f.conversationId}` }))).flat();
    const yesterday = many('n').sort((a, b) => inOrder(a.conversationId, b.conversationId));
    const tonight = many('n').sort((a, b) => inOrder(a.conversationId, b.conversationId));
    const before = report(yesterday, yesterday.length, 'h1');
    const after = report(tonight, tonight.length, 'h1');
    const comparison = await compareReports(sideOf(before), sideOf(after), FILES);
    try {
      expect(comparison.sorted).toEqual({ baseline: false, current: false });
      expect(comparison.diff.newFindings.count).toBeGreaterThan(1500);
      expect(printed(comparison.diff)).toEqual(printedByReference(referenceDiff(before, after)));
    } finally {
      comparison.close();
    }
  });

  it('reports whose conversations come back or come out of order are sorted on disk first, to the same bytes', async () => {
    for (let round = 0; round < 40; round++) {
      const { random, night, report } = randomNights(1000 + round);
      const yesterday = night();
      const tonight = [...yesterday.filter(() => random(2) > 0), ...night()];
      const grouped = [...tonight].sort((a, b) => inOrder(a.conversationId, b.conversationId));
      // Shuffled findings: a conversation comes back, or a later id comes first.
      const shuffle = (findings: Finding[]) => findings.map((f) => ({ f, at: random(1000) })).sort((a, b) => a.at - b.at).map(({ f }) => f);
      const mode = round % 4;
      const before = report(mode === 1 ? yesterday : shuffle(yesterday), yesterday.length, 'h1');
      // Tonight as it came (yesterday's findings, then new ones: conversations come back), shuffled, or grouped in order.
      const after = report(mode === 0 ? grouped : mode === 3 ? tonight : shuffle(tonight), tonight.length, 'h1');
      // Sorted runs of a few findings each: many runs to merge.
      const comparison = await compareReports(sideOf(before), sideOf(after), FILES, round % 2 === 0 ? 2000 : 1 << 24);
      try {
        expect(comparison.sorted, `round ${round}`).toEqual({ baseline: mode !== 1, current: mode !== 0 });
        expect(printed(comparison.diff), `round ${round}`).toEqual(printedByReference(referenceDiff(before, after)));
      } finally {
        comparison.close();
      }
    }
    const { report } = randomNights(5);
    const backwards = report([{ ...BASE_FINDING, conversationId: 'c2' }, { ...BASE_FINDING, conversationId: 'c1' }], 2, 'h1');
    const comparison = await compareReports(sideOf(backwards), sideOf(report([], 0, 'h1')), FILES);
    expect(comparison.sorted).toEqual({ baseline: true, current: false });
    expect(comparison.diff.resolvedFindings.count).toBe(2);
    comparison.close();
  });
});

describe('chatlint diff and check --baseline print what the comparison in memory printed', () => {
  const dir = tempDir();
  const nightFile = generatedNight(dir, 'night.jsonl', 'time');
  const otherNight = generatedNight(dir, 'other.jsonl', 'shuffled');
  const rules = join(dir, 'strict.yaml');
  writeFileSync(rules, 'name: strict\nrules:\n  - id: runs\n    kind: forbidden-punctuation\n    patterns: ["[!！。]{2,}"]\n  - id: rude\n    kind: forbidden-phrase\n    phrases: ["我晕", "系统"]\n');

  /** Reports of the nights: by other rules, with --quiet, of nothing, and one whose findings are out of order. */
  beforeAll(async () => {
    const report = async (name: string, args: string[]) => {
      const run = await chatlint(['check', ...args, '-f', 'json', '-o', join(dir, name)]);
      expect(run.code, `${name}: ${run.stderr}`).toBeLessThan(2);
    };
    await report('night.json', [nightFile]);
    await report('other.json', [otherNight, '--rules', rules]);
    await report('quiet.json', [nightFile, '--quiet']);
    writeFileSync(join(dir, 'empty.json'), JSON.stringify({ ...loadReportFile(join(dir, 'night.json')), findings: [] }, null, 2));
    // The same findings out of order: sorted before they are compared.
    const whole = loadReportFile(join(dir, 'other.json'));
    writeFileSync(join(dir, 'reordered.json'), `${JSON.stringify({ ...whole, findings: [...whole.findings].reverse() }, null, 2)}\n`);
  });

  it('every format and -o, against reports of other rules, of a reordered night, of --quiet, of nothing', async () => {
    const [night, other, quiet, empty, reordered] = ['night', 'other', 'quiet', 'empty', 'reordered'].map((name) => join(dir, `${name}.json`)) as [string, string, string, string, string];
    const pairs: Array<[string, string]> = [
      [night, other],
      [other, night],
      [empty, night],
      [night, empty],
      [quiet, night],
      [night, reordered],
      [night, night],
    ];
    const loaded = new Map([night, other, quiet, empty, reordered].map((path) => [path, loadReportFile(path)]));
    for (const [i, [a, b]] of pairs.entries()) {
      const label = `${a} → ${b}`;
      const reference = referenceDiff(loaded.get(a) as Report, loaded.get(b) as Report);
      const expected = { ...reference, baseline: { ...reference.baseline, file: a }, current: { ...reference.current, file: b } };
      const json = await chatlint(['diff', a, b, '-f', 'json', '--fail-on-new']);
      expect(json.stdout, label).toBe(`${JSON.stringify(expected, null, 2)}\n`);
      expect(json.code, label).toBe(expected.worse ? 1 : 0);
      // The other formats print the same comparison: a few pairs are enough.
      if (i > 2) continue;
      const [, , csv, pretty] = printedByReference(expected);
      expect((await chatlint(['diff', a, b, '-f', 'csv'])).stdout, label).toBe(csv);
      expect((await chatlint(['diff', a, b, '--no-color'])).stdout, label).toBe(pretty);
      const out = join(dir, 'diff.json');
      expect((await chatlint(['diff', a, b, '-o', out])).code, label).toBe(0);
      expect(readFileSync(out, 'utf8'), label).toBe(json.stdout);
    }
  });

  it('check --baseline: the report with its baseline field, the summary line, the pretty section, --fail-on-new', async () => {
    const baseline = join(dir, 'base.json');
    await chatlint(['check', otherNight, '--rules', rules, '-f', 'json', '-o', baseline]);
    const plain = await chatlint(['check', nightFile, '-f', 'json']);
    const gated = await chatlint(['check', nightFile, '-f', 'json', '--baseline', baseline, '--fail-on-new']);
    const reference = referenceDiff(loadReportFile(baseline), JSON.parse(plain.stdout) as Report);
    const expected = { ...reference, baseline: { ...reference.baseline, file: baseline }, current: { ...reference.current, file: '(this run)' } };
    expect(reference.totals.new).toBeGreaterThan(50);
    expect(gated.stdout).toBe(`${plain.stdout.slice(0, -'\n}\n'.length)},\n  "baseline": ${JSON.stringify(expected, null, 2).replace(/\n/g, '\n  ')}\n}\n`);
    expect(gated.code).toBe(1);
    const [, , , pretty] = printedByReference(expected);
    expect(gated.stderr).toContain(`chatlint: ${pretty.split('\n')[0]?.replace(/^Since/, 'since')}\n`);
    const prettyRun = await chatlint(['check', nightFile, '--no-color', '--baseline', baseline]);
    const prettyPlain = await chatlint(['check', nightFile, '--no-color']);
    expect(prettyRun.stdout).toBe(`${prettyPlain.stdout}\n${pretty}`);
  });

  it('what a comparison put on disk is removed; a temporary folder that cannot be written is exit 2 saying to set TMPDIR', async () => {
    const night = join(dir, 'night.json');
    const reordered = join(dir, 'reordered.json');
    const saved = process.env.TMPDIR;
    try {
      const own = join(dir, 'tmp');
      mkdirSync(own);
      process.env.TMPDIR = own;
      // Sorted runs and a list of over a slice of findings on disk.
      const run = await chatlint(['diff', join(dir, 'empty.json'), reordered, '-f', 'csv']);
      expect(run.code).toBe(0);
      expect(readdirSync(own)).toEqual([]);
      process.env.TMPDIR = join(dir, 'no-such-folder');
      const failed = await chatlint(['diff', night, reordered, '-f', 'csv']);
      expect(failed.code).toBe(2);
      expect(failed.stderr).toContain('set TMPDIR');
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
});
