import { describe, expect, it } from 'vitest';
import { findProductFormat, PRODUCT_FORMATS } from '../../src/input/formats/index.js';
import { formatFixtureFiles, isAuxiliary, sampleOf } from '../helpers/reading.js';

const files = formatFixtureFiles();
const exports = files.filter((f) => !isAuxiliary(f));
const ownerOf = (path: string): string => path.split('/')[0] ?? '';

describe('product format registry', () => {
  it('lists every format once, with a name and a description', () => {
    const names = PRODUCT_FORMATS.map((f) => f.name);
    expect(names).toEqual([
      'twitter-replies',
      'salesforce-transcript',
      'whatsapp',
      'slack',
      'zendesk-chat',
      'intercom',
      'livechat',
      'aliyun-ccc',
      'tencent-ccc',
      'amazon-connect',
      'genesys',
      'telegram',
      'text-transcript',
    ]);
    expect(new Set(names).size).toBe(names.length);
    for (const format of PRODUCT_FORMATS) expect(format.description.length).toBeGreaterThan(20);
  });

  it('finds formats by name, ignoring case, and nothing else', () => {
    expect(findProductFormat('whatsapp')?.name).toBe('whatsapp');
    expect(findProductFormat(' Zendesk-Chat ')?.name).toBe('zendesk-chat');
    expect(findProductFormat('jsonl')).toBeUndefined();
    expect(findProductFormat('')).toBeUndefined();
  });

  it('has at least one fixture per format, in a folder named after it', () => {
    const owners = new Set(exports.map(ownerOf));
    for (const format of PRODUCT_FORMATS) expect(owners, format.name).toContain(format.name);
    for (const owner of owners) expect(findProductFormat(owner), owner).toBeDefined();
  });
});

describe('sniffing matrix: every fixture is claimed by its own format and by no other', () => {
  const cases = exports.flatMap((path) => PRODUCT_FORMATS.map((format) => ({ path, format: format.name, expected: format.name === ownerOf(path) })));
  it.each(cases)('$format on $path → $expected', ({ path, format, expected }) => {
    expect(findProductFormat(format)?.sniff(sampleOf(path))).toBe(expected);
  });
});

describe('sniffing: files that are not exports are claimed by nobody', () => {
  it.each(files.filter(isAuxiliary))('%s', (path) => {
    const sample = sampleOf(path);
    expect(PRODUCT_FORMATS.filter((f) => f.sniff(sample)).map((f) => f.name)).toEqual([]);
  });

  const others: Array<[string, { fileName: string; head: string; json?: unknown }]> = [
    ['canonical JSONL', { fileName: 'a.jsonl', head: '{"conversation_id":"c1","timestamp":"2026-03-02T09:00:00Z","role":"agent","text":"hi"}\n' }],
    ['canonical JSON array', { fileName: 'a.json', head: '[]', json: [{ conversation_id: 'c1', timestamp: 1772442000, role: 'agent', text: 'hi' }] }],
    ['canonical CSV', { fileName: 'a.csv', head: 'conversation_id,timestamp,role,text\nc1,2026-03-02 09:00:00,agent,hi\n' }],
    ['empty JSON array', { fileName: 'a.json', head: '[]', json: [] }],
    ['empty object', { fileName: 'a.json', head: '{}', json: {} }],
    ['JSON null', { fileName: 'a.json', head: 'null', json: null }],
    ['a JSON string', { fileName: 'a.json', head: '"x"', json: 'x' }],
    ['empty text', { fileName: 'a.txt', head: '' }],
    ['prose', { fileName: 'a.txt', head: 'Meeting notes\n12 people attended.\n' }],
  ];
  it.each(others)('%s', (_name, sample) => {
    expect(PRODUCT_FORMATS.filter((f) => f.sniff(sample)).map((f) => f.name)).toEqual([]);
  });
});
