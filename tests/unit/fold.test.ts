import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldPatternSource, foldWidth, literalSource } from '../../src/text/fold.js';

describe('foldWidth', () => {
  it('maps full-width ASCII forms and the ideographic space, keeping length', () => {
    expect(foldWidth('ＯＫ！！　好')).toBe('OK!! 好');
    expect(foldWidth('ＯＫ！！　好')).toHaveLength('ＯＫ！！　好'.length);
  });
  it('leaves CJK punctuation and ellipses as written', () => {
    expect(foldWidth('好的。。。……、')).toBe('好的。。。……、');
  });
  it('folds exactly like character-by-character mapping, at the edges and between runs', () => {
    const byChar = (text: string) =>
      [...text].map((ch) => { const c = ch.charCodeAt(0); return c >= 0xff01 && c <= 0xff5e ? String.fromCharCode(c - 0xfee0) : c === 0x3000 ? ' ' : ch; }).join('');
    const pieces = fc.constantFrom('好', 'a', '？', '！', '　', 'Ａ', '～', '\uff00', '\uff5f', '😀', ' ');
    fc.assert(fc.property(fc.array(pieces, { maxLength: 30 }), (parts) => foldWidth(parts.join('')) === byChar(parts.join(''))), { seed: 9 });
  });
});

describe('foldPatternSource', () => {
  it('turns a full-width question mark into a literal ?, never a quantifier', () => {
    const re = new RegExp(foldPatternSource('吗？'), 'u');
    expect(re.test('好吗?')).toBe(true);
    expect(re.test('好吗')).toBe(false);
  });
  it('escapes a full-width hyphen inside a character class', () => {
    const re = new RegExp(foldPatternSource('[a－z]'), 'u');
    expect(re.test('-')).toBe(true);
    expect(re.test('b')).toBe(false);
  });
  it('keeps escapes as written', () => {
    expect(foldPatternSource('\\d+！')).toBe('\\d+!');
  });
});

describe('literalSource', () => {
  it('bounds Latin and digit edges only', () => {
    expect(new RegExp(literalSource('hell'), 'u').test('Hello')).toBe(false);
    expect(new RegExp(literalSource('hell'), 'u').test('what the hell.')).toBe(true);
    expect(new RegExp(literalSource('102'), 'u').test('云客服1024')).toBe(false);
    expect(new RegExp(literalSource('102'), 'u').test('云客服102为您服务')).toBe(true);
    expect(new RegExp(literalSource('我晕'), 'u').test('哎我晕了')).toBe(true);
  });
  it('escapes regular-expression syntax in phrases', () => {
    expect(new RegExp(literalSource('a.b?(c)'), 'u').test('a.b?(c)')).toBe(true);
    expect(new RegExp(literalSource('a.b?(c)'), 'u').test('axb(c)')).toBe(false);
  });
});
