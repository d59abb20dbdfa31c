import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatlint, tempDir } from '../helpers/cli.js';
import { PROTOTYPE_NAMES } from '../property/arbitraries.js';

/**
 * One export, one rule file and one waiver file in which a single name plays every part: agent id,
 * agent name, conversation id, metadata key (filtered on by appliesTo), rule id, waiver fields. Every
 * report must be the same as for the name "a1", with the name in place of "a1".
 */
function scene(name: string) {
  // Rule ids start with a letter or digit, so "__proto__" cannot be one; its scene keeps "a1" there.
  const ruleId = /^[A-Za-z0-9]/.test(name) ? name : 'a1';
  const at = (s: number) => `2026-11-27 10:00:${String(s).padStart(2, '0')}`;
  const record = (s: number, role: string, text: string, extra: Record<string, string> = {}) =>
    `{"conversation_id":${JSON.stringify(name)},"timestamp":"${at(s)}","role":"${role}",${JSON.stringify(name)}:"vip",${Object.entries(extra).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)},`).join('')}"text":${JSON.stringify(text)}}`;
  const agent = { agent_id: name, agent_name: name };
  const data = [
    record(0, 'customer', '在吗'),
    record(5, 'agent', '我晕！！', agent),
    record(9, 'customer', '好'),
    record(12, 'agent', '我晕', agent),
    // Another conversation and agent, named to sort after every name tried (reports sort by id).
    `{"conversation_id":"zz","timestamp":"${at(20)}","role":"agent","agent_id":"zz","text":"我晕"}`,
  ].join('\n');
  const rules = [
    'name: names',
    'rules:',
    `  - id: ${JSON.stringify(ruleId)}`,
    '    kind: forbidden-phrase',
    '    phrases: ["我晕"]',
    '    points: 5',
    `    appliesTo: {${JSON.stringify(name)}: vip}`,
    '  - id: runs',
    '    kind: forbidden-punctuation',
    '    patterns: ["[!！]{2,}"]',
    '',
  ].join('\n');
  const waivers = `conversationId,ruleId,messageIndex,reason,reviewer,date\n${name},${ruleId},3,${name},${name},2026-11-28\n`;
  return { data, rules, waivers };
}

const FORMATS = [
  ['json'],
  ['ndjson'],
  ['csv'],
  ['csv', '--csv-report', 'agents'],
  ['csv', '--csv-report', 'conversations'],
  ['pretty'],
] as const;

async function reports(name: string): Promise<string[]> {
  const { data, rules, waivers } = scene(name);
  const dir = tempDir({ 'export.jsonl': `${data}\n`, 'rules.yaml': rules, 'waivers.csv': waivers });
  const out: string[] = [];
  for (const [format, ...rest] of FORMATS) {
    const result = await chatlint(['check', join(dir, 'export.jsonl'), '--rules', join(dir, 'rules.yaml'), '--waivers', join(dir, 'waivers.csv'), '-f', format, ...rest]);
    // Columns of the pretty report are as wide as the longest name: compare with single spaces.
    out.push(`${result.code}\n${result.stdout.split(dir).join('<dir>')}\n${result.stderr.split(dir).join('<dir>')}`.replace(/ {2,}/g, ' ').replace(/"hash": ?"\w+"/g, '"hash": "…"'));
    // The ruleset hash covers rule ids and filters, so it differs by name; nothing else may.
  }
  return out;
}

describe('names from the data that are Object.prototype properties are just names', () => {
  it.each(PROTOTYPE_NAMES)('%s behaves exactly like a1 in every report', async (name) => {
    const expected = await reports('a1');
    expect(expected[0]).toMatch(/"findings": 2/);
    const got = (await reports(name)).map((text) => text.split(JSON.stringify(name).slice(1, -1)).join('a1'));
    expect(got).toEqual(expected);
  });
});
