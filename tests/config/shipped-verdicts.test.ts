import { describe, expect, it } from 'vitest';
import { listPresets } from '../../src/config/presets.js';
import { loadRuleset } from '../../src/config/load.js';

describe('rules/regex-verdicts.json', () => {
  it('covers every pattern of the built-in packs, so they load without analysis (run `npm run docs` after editing a pack)', async () => {
    process.env.CHATLINT_CACHE_DIR = '';
    for (const preset of listPresets()) loadRuleset({ preset });
    const { freshAnalyses } = await import('../../src/rules/regex-safety.js');
    expect(freshAnalyses).toBe(0);
  });
});
