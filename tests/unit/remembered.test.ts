import { describe, expect, it } from 'vitest';
import { foldPatternSource } from '../../src/text/fold.js';
import { regexNeeds, requiredRun } from '../../src/text/needles.js';
import { knowResults, remembered, resultsTakenBy } from '../../src/text/remembered.js';

const isText = (value: unknown): value is string => typeof value === 'string';
const isTextOrNone = (value: unknown): value is string | undefined => value === undefined || typeof value === 'string';

/** A remembered function under a name of its own (the tables live as long as the process), counting its work. */
function counted<T>(name: string, workOut: (text: string) => T, isResult: (value: unknown) => value is T) {
  const calls: string[] = [];
  const get = remembered(
    name,
    (text) => {
      calls.push(text);
      return workOut(text);
    },
    isResult,
  );
  return { get, calls };
}

describe('remembered results of pure functions of a text', () => {
  it('work each text out once, undefined results included, and give the same result after', () => {
    const { get, calls } = counted('test-once', (text) => (text.length > 2 ? text.toUpperCase() : undefined), isTextOrNone);
    for (const text of ['abc', 'ab', 'abc', 'ab', 'xyz']) get(text);
    expect(calls).toEqual(['abc', 'ab', 'xyz']);
    expect([get('abc'), get('ab')]).toEqual(['ABC', undefined]);
  });

  it('take results given before, for functions remembered before or after, and work out the rest', () => {
    const before = counted('test-given-before', (text) => `worked ${text}`, isText);
    knowResults({ 'test-given-before': { a: 'given a' }, 'test-given-after': { b: null, c: 'given c' } });
    const after = counted('test-given-after', (text) => `worked ${text}`, isTextOrNone);
    expect([before.get('a'), before.get('b')]).toEqual(['given a', 'worked b']);
    expect([after.get('b'), after.get('c'), after.get('d')]).toEqual([undefined, 'given c', 'worked d']);
    expect(before.calls).toEqual(['b']);
    expect(after.calls).toEqual(['d']);
  });

  it('work out again what was given but is no result of the function (damaged or from another build)', () => {
    const { get, calls } = counted('test-damaged', (text) => text.length, (value): value is number => typeof value === 'number');
    knowResults({ 'test-damaged': { one: 'not a number', two: null, three: 3, ['__proto__']: 7 }, 'no-such-function': { x: 1 } });
    knowResults('not an object');
    knowResults(null);
    knowResults({ 'test-damaged': 'not a table' });
    expect([get('one'), get('two'), get('three'), get('toString'), get('__proto__')]).toEqual([3, 3, 3, 8, 7]);
    expect(calls).toEqual(['one', 'two', 'toString']);
  });

  it('a result worked out first is kept over one given later', () => {
    const { get } = counted('test-first-wins', (text) => `worked ${text}`, isText);
    expect(get('a')).toBe('worked a');
    knowResults({ 'test-first-wins': { a: 'given a' } });
    expect(get('a')).toBe('worked a');
  });

  it('resultsTakenBy lists every result given while it ran (worked out or kept), undefined as null, and nothing after', () => {
    const { get } = counted('test-taken', (text) => (text === 'none' ? undefined : `r ${text}`), isTextOrNone);
    get('kept');
    const taken = resultsTakenBy(() => {
      get('kept');
      get('new');
      get('none');
    });
    expect(taken['test-taken']).toEqual({ kept: 'r kept', new: 'r new', none: null });
    expect(JSON.parse(JSON.stringify(taken))).toEqual(taken);
    get('later');
    expect(resultsTakenBy(() => undefined)).toEqual({});
  });

  it('the pattern analyses of the matchers give what they worked out, given back through JSON', () => {
    const patterns = ['难道.{0,12}吗', '[!?！？]{2,}', '。{2,}', '(?<![在人])吗', '\\bplease hold\\b', 'a|b', '(x)\\1'];
    const taken = resultsTakenBy(() => {
      for (const pattern of patterns) {
        const source = foldPatternSource(pattern);
        regexNeeds(source, true);
        regexNeeds(source, false);
        requiredRun(source);
      }
    });
    expect(Object.keys(taken).sort()).toEqual(['foldPatternSource', 'regexNeeds', 'requiredRun']);
    expect(Object.keys(taken.regexNeeds ?? {})).toHaveLength(patterns.length * 2);
    expect(taken.requiredRun?.[foldPatternSource('。{2,}')]).toBe('。。');
    expect(taken.regexNeeds?.[`-${foldPatternSource('(x)\\1')}`]).toBeNull();
  });
});
