import { describe, expect, it } from 'vitest';
import { loadRuleset } from '../../src/config/load.js';
import { listPresets } from '../../src/config/presets.js';
import * as regexSafety from '../../src/rules/regex-safety.js';

describe('rules/regex-verdicts.json', () => {
  it('covers every pattern of the built-in packs, so they load without analysis (run `npm run docs` after editing a pack)', () => {
    // Counted as a difference: other test files in this process may have analysed patterns of their own.
    const before = regexSafety.freshAnalyses;
    for (const preset of listPresets()) loadRuleset({ preset });
    expect(regexSafety.freshAnalyses - before).toBe(0);
  });
});
