import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatlint, jsonLine, spawnChatlint, tempDir } from '../helpers/cli.js';

// The bundle sets string-width up on its first call (scripts/bundle.mjs, string-width-set-up-on-demand), and
// displayWidth counts plain text itself: what people see must not change. Names and texts that need
// string-width (emoji, ZWJ sequences, flags, combining marks, half-width kana, Hangul) and ones that do not,
// through the built command line and through the sources with the package as published.
const NAMES = ['小美😀', 'José', 'Jose\u0301', '👩\u200d💻 Ann', '🇨🇳 王', 'ｶﾀｶﾅ', '한국', '李·雷', 'Bob'];

function night(): string {
  let lines = '';
  NAMES.forEach((name, i) => {
    const id = `c${i}`;
    const at = (s: number) => new Date(Date.UTC(2026, 10, 27, 2, 0, s)).toISOString();
    lines += jsonLine({ conversation_id: id, timestamp: at(0), role: 'customer', text: `在吗？${name}` });
    lines += jsonLine({ conversation_id: id, timestamp: at(90), role: 'agent', agent_id: String(1000 + i), agent_name: name, text: `我晕……${name}！！` });
  });
  return lines;
}

describe('widths in the bundle', () => {
  it('a pretty check and an audit print what the sources print', async () => {
    const dir = tempDir({ 'night.jsonl': night() });
    const file = join(dir, 'night.jsonl');
    for (const args of [['check', file], ['audit', file, '--conversation', 'c0'], ['audit', file, '--conversation', 'c3']]) {
      const bundled = spawnChatlint(args);
      const sources = await chatlint(args);
      expect(bundled.stdout, args.join(' ')).toBe(sources.stdout);
      expect(bundled.code).toBe(sources.code);
    }
  });
});
