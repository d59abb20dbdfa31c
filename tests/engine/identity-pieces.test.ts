import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chatlint } from '../helpers/cli.js';
import { generatedNight } from '../helpers/night.js';
import { loadRuleset } from '../../src/config/load.js';
import { runCheck } from '../../src/engine/run.js';
import { readFiles } from '../../src/input/read.js';
import { materialize, type Report } from '../../src/model/report.js';

const dir = mkdtempSync(join(tmpdir(), 'chatlint-identity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const withoutTime = (text: string) => text.replace(/"generatedAt": ?"[^"]*",?/g, '');

describe('agent signatures on a night checked piece by piece', () => {
  // Agents greet with their seat number on a shared account; a conversation that reopens is counted once.
  const rules = join(dir, 'signed.yaml');
  writeFileSync(rules, ['name: signed', 'timezone: UTC', 'input:', '  agentIdFrom:', "    pattern: '云客服(?<agentId>\\d+)'", 'rules:', '  - id: reply-60s', '    kind: response-time', '    maxSeconds: 60', ''].join('\n'));

  it.each([
    ['time-ordered', 'time'],
    ['shuffled', 'shuffled'],
  ] as const)('%s: the same report for budget 0, 1 MB and unlimited, and as holding every message', async (name, order) => {
    // Every agent writes from one shared account; each greets with a seat number once.
    const night = join(dir, `${name}-shared.jsonl`);
    writeFileSync(night, readFileSync(generatedNight(dir, `${name}.jsonl`, order), 'utf8').replace(/"agent_id":"\d+"/g, '"agent_id":"brand"'));
    const runs = await Promise.all(['100000', '0', '1'].map((budget) => chatlint(['check', night, '--rules', rules, '-f', 'json', '--memory-budget', budget, '--jobs', '3'])));
    const [unlimited, ...others] = runs.map((run) => withoutTime(run.stdout));
    for (const other of others) expect(other).toBe(unlimited);
    const report = JSON.parse(unlimited as string) as Report;
    expect(report.summary.agentIdentity?.signedMessages).toBeGreaterThan(100);
    expect(report.summary.agentIdentity?.attributedMessages).toBeGreaterThan(100);
    // The one conversation where nobody greets stays on the account.
    expect(report.summary.agentIdentity?.unresolvedAccounts.map((a) => [a.account, a.conversations])).toEqual([['brand', 1]]);
    // Holding every message and checking each conversation once (the library's runCheck) agrees.
    const held = await runCheck(readFiles([night], {}), loadRuleset({ rules, cwd: dir }), {}, { memoryBudgetBytes: 0 });
    const whole = materialize(held.report);
    held.entries.close();
    expect(whole.summary.agentIdentity).toEqual(report.summary.agentIdentity);
    expect(whole.agents).toEqual(report.agents);
    expect(whole.findings).toEqual(report.findings);
  });
});

describe('--jobs where the checking stays in one thread', () => {
  it('says so for agent signatures, and the report is the same; not for timelines (-f html)', async () => {
    const rules = join(dir, 'signed-jobs.yaml');
    writeFileSync(rules, ['name: signed', 'timezone: UTC', 'input:', '  agentIdFrom:', "    pattern: '云客服(?<agentId>\\d+)'", 'rules:', '  - id: reply-60s', '    kind: response-time', '    maxSeconds: 60', ''].join('\n'));
    const signed = ['check', 'fixtures/nightly', '--rules', rules, '-f', 'json'];
    const [one, two] = await Promise.all([chatlint(signed), chatlint([...signed, '--jobs', '2'])]);
    expect(two.stderr).toContain('chatlint: --jobs 2 is not used: agent signatures (input.agentIdFrom) are checked in one thread\n');
    expect(one.stderr).not.toContain('--jobs');
    expect(withoutTime(two.stdout)).toBe(withoutTime(one.stdout));
    // The HTML report's timelines are checked on every thread.
    expect((await chatlint(['check', 'fixtures/nightly', '-f', 'html', '--jobs', '3'])).stderr).not.toContain('--jobs');
  });
});
