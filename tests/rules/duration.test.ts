import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findDurations, parseChineseApproximate, parseChineseNumeral } from '../../src/text/duration.js';

const seconds = (text: string) => findDurations(text).map((d) => d.seconds);

describe('parseChineseNumeral', () => {
  it('reads 零 to 九十九 in every written form', () => {
    const cases: Array<[string, number]> = [
      ['零', 0], ['〇', 0], ['一', 1], ['两', 2], ['二', 2], ['五', 5], ['九', 9], ['十', 10], ['十一', 11], ['十五', 15],
      ['二十', 20], ['两十', 20], ['二十五', 25], ['三十', 30], ['九十九', 99], ['壹', 1], ['贰拾', 20], ['拾伍', 15],
    ];
    for (const [text, value] of cases) expect([text, parseChineseNumeral(text)]).toEqual([text, value]);
  });

  it('rejects what is not one numeral', () => {
    for (const text of ['', '一二', '十十', '二十十', '一百', '零十', '十零', '二十一二', '几', '十几', 'x']) {
      expect([text, parseChineseNumeral(text)]).toEqual([text, null]);
    }
  });

  it('reads approximate pairs as their upper bound', () => {
    expect(['一两', '两三', '三五', '七八'].map(parseChineseApproximate)).toEqual([2, 3, 5, 8]);
    expect(['三二', '一一', '十一', '一', '零一'].map(parseChineseApproximate)).toEqual([null, null, null, null, null]);
  });
});

describe('findDurations', () => {
  it('reads Chinese minutes and seconds written with numerals or digits', () => {
    const cases: Array<[string, number]> = [
      ['请您稍等两分钟', 120], ['请稍等2分钟', 120], ['三十秒', 30], ['30秒', 30], ['半分钟', 30], ['一分半', 90],
      ['一分半钟', 90], ['两分半钟', 150], ['1分30秒', 90], ['一分三十秒', 90], ['1分钟30秒', 90], ['十分钟', 600],
      ['十五分钟', 900], ['九十九秒', 99], ['一刻钟', 900], ['半小时', 1800], ['半个小时', 1800], ['一个小时', 3600],
      ['一个半小时', 5400], ['两个钟头', 7200], ['1小时20分', 4800], ['1.5分钟', 90], ['２分钟', 120], ['壹分钟', 60],
      ['30 秒钟', 30],
    ];
    for (const [text, value] of cases) expect([text, seconds(text)]).toEqual([text, [value]]);
  });

  it('reads ranges and approximate pairs as their upper bound', () => {
    const cases: Array<[string, number]> = [
      ['1-2分钟', 120], ['2~3分钟', 180], ['2～3分钟', 180], ['两到三分钟', 180], ['3至5分钟', 300], ['一两分钟', 120], ['三五分钟', 300],
    ];
    for (const [text, value] of cases) expect([text, seconds(text)]).toEqual([text, [value]]);
  });

  it('reads English durations: digits, one to ten, halves, ranges, compounds', () => {
    const cases: Array<[string, number]> = [
      ['please hold 2 minutes', 120], ['30 seconds', 30], ['a minute', 60], ['one minute', 60], ['ten minutes', 600],
      ['half a minute', 30], ['half an hour', 1800], ['an hour', 3600], ['5 mins', 300], ['90 secs', 90], ['30s', 30],
      ['1-2 minutes', 120], ['one or two minutes', 120], ['2 to 3 minutes', 180], ['a minute or two', 120],
      ['a couple of minutes', 120], ['one and a half minutes', 90], ['a minute and a half', 90], ['an hour and a half', 5400],
      ['2 minutes 30 seconds', 150], ['2 minutes and 30 seconds', 150], ['2 Minutes', 120], ['99 seconds', 99],
    ];
    for (const [text, value] of cases) expect([text, seconds(text)]).toEqual([text, [value]]);
  });

  it('finds nothing concrete in vague or unrelated text', () => {
    for (const text of [
      '请稍等', '稍等一下', '稍等片刻', '几分钟', '十几秒', '十来分钟', '十分抱歉', '万分感谢', '三分之一', '立刻为您处理',
      'one moment please', 'please hold one sec', 'just a second', 'a few minutes', 'as soon as possible', 'minutes',
    ]) {
      expect([text, findDurations(text)]).toEqual([text, []]);
    }
  });

  it('reports the text as written, its offset, and whether it lies in the past', () => {
    expect(findDurations('请稍等２分钟，5分钟前已发货')).toEqual([
      { seconds: 120, text: '２分钟', offset: 3, past: false },
      { seconds: 300, text: '5分钟', offset: 7, past: true },
    ]);
    expect(findDurations('sent 10 minutes ago, back in 2 minutes')).toEqual([
      { seconds: 600, text: '10 minutes', offset: 5, past: true },
      { seconds: 120, text: '2 minutes', offset: 29, past: false },
    ]);
  });

  it('keeps separate durations apart unless the units fall', () => {
    expect(seconds('2分钟，3分钟')).toEqual([120, 180]);
    expect(seconds('30秒2分钟')).toEqual([30, 120]);
  });
});

describe('findDurations on long or odd input', () => {
  it('does not read a long run of numerals or digits as a time', () => {
    expect(findDurations('一二三四五分钟')).toEqual([]);
    expect(findDurations('订单1234567秒杀')).toEqual([]);
  });

  it('finishes on a long message of numerals without a unit (a backtracking scan would hit the test timeout)', () => {
    expect(findDurations(`${'一'.repeat(200_000)}${'1'.repeat(200_000)}`)).toEqual([]);
  });

  it('keeps offsets in UTF-16 units after emoji', () => {
    expect(findDurations('😀请稍等2分钟')).toEqual([{ seconds: 120, text: '2分钟', offset: 5, past: false }]);
  });
});

describe('findDurations looks only for the kinds of time a text may hold', () => {
  it('finds what searching for both kinds finds, on generated texts', () => {
    const piece = fc.constantFrom('2', '30', '1.5', '两', '十', '半', '个', '分', '钟', '分钟', '秒', '小时', '刻钟', '钟头', '前', ' ', '-', '到', 'half', 'an', 'a', ' hour', ' minute', 'min', 'mins', 's', 'S', 'ſ', 'sec', 'ＭＩＮ', 'Hr', 'ｈ', ' and a half', ' or two', 'ago', '请稍等', '，');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const text = pieces.join('');
        expect(findDurations(text)).toEqual(findDurations(text, false));
      }),
      { numRuns: 3000, seed: 47 },
    );
    // Cases the generated ones must hold: each unit alone, full-width letters.
    for (const text of ['2小时', '3钟头', '1刻钟', '5分半', '2秒钟', '9秒', '2 hrs', '2ＳＥＣ', 'half an hour', '30s']) {
      expect(findDurations(text).length, text).toBe(1);
      expect(findDurations(text)).toEqual(findDurations(text, false));
    }
  });
});
