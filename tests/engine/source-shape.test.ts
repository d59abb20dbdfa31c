import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EvictingGrouper } from '../../src/engine/group.js';
import { readBytes } from '../helpers/reading.js';

// Written by `npm run build`, which `npm test` runs first.
const BUNDLES = ['../../dist/bundle/chatlint.cjs', '../../dist/bundle/check-worker.js'].map((path) => new URL(path, import.meta.url));

describe("the first message source (EvictingGrouper.firstSource), which begins the sources' shape with fields that hold objects", () => {
  it('has the keys of a source the readers make, in their order, and never changes', async () => {
    const jsonl = '{"conversation_id":"c1","timestamp":"2026-11-27T10:00:00Z","role":"agent","agent_id":"7","text":"hi"}\n';
    const csv = 'conversation_id,timestamp,role,agent_id,text\nc1,2026-11-27T10:00:00Z,agent,7,hi\n';
    for (const [name, text] of [['night.jsonl', jsonl], ['night.csv', csv]] as const) {
      const { messages } = await readBytes(name, text);
      expect(messages.map((message) => Object.keys(message.source))).toEqual([Object.keys(EvictingGrouper.firstSource)]);
    }
    expect(Object.values(EvictingGrouper.firstSource)).toEqual([null, null, null]);
    expect(Object.isFrozen(EvictingGrouper.firstSource)).toBe(true);
  });

  it('is kept by both bundles (a literal nobody reads is dropped by the bundler, and its shape with it)', () => {
    for (const bundle of BUNDLES) expect(readFileSync(bundle, 'latin1')).toMatch(/static firstSource = Object\.freeze\(\{\s*file: null,\s*line: null,\s*record: null\s*\}\)/);
  });
});
