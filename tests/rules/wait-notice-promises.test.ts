import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { longestPromise, promiseIn } from '../../src/rules/kinds/wait-notice.js';
import { findDurations, type Duration } from '../../src/text/duration.js';

/** The plain path: every time the text states, the longest one not in the past (the first of equals). */
const plain = (text: string): Duration | null =>
  findDurations(text)
    .filter((d) => !d.past)
    .reduce<Duration | null>((best, d) => (best === null || d.seconds > best.seconds ? d : best), null);

describe('wait-notice remembers the promise of notices seen lately', () => {
  it('gives the promise the plain path finds, for texts seen again and for new ones', () => {
    const piece = fc.constantFrom('2', '30', '两', '半', '分钟', '秒', '小时', '前', ' ', '-', 'half', ' hour', ' minute', 'ago', '请稍等', '，', '3分钟', '5分钟前');
    const text = fc.array(piece, { maxLength: 6 }).map((pieces) => pieces.join(''));
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 12 }), (pool, picks) => {
        for (const pick of [0, ...picks]) {
          const notice = pool[pick % pool.length] as string;
          // A copy made anew, as a reader would give the same text in another message.
          const again = [...notice].join('');
          expect(promiseIn(notice), notice).toEqual(plain(notice));
          expect(promiseIn(again), notice).toEqual(plain(notice));
          expect(longestPromise(notice), notice).toEqual(plain(notice));
        }
      }),
      { numRuns: 400, seed: 9 },
    );
  });

  it('still answers right once more texts came than it keeps', () => {
    for (let i = 0; i < 4_500; i++) {
      const text = `请稍等${i}秒`;
      expect(promiseIn(text)?.seconds).toBe(i === 0 ? undefined : i);
    }
    expect(promiseIn('请稍等3分钟')).toEqual(plain('请稍等3分钟'));
    expect(promiseIn('请稍等7秒')?.seconds).toBe(7);
  });
});
