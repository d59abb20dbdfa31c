import { describe, expect, it } from 'vitest';
import { JsonPrinter, printedText } from '../../src/engine/json-printer.js';
import { NUMBERS, pick, randomNumber, seeded } from '../helpers/random-json.js';

/** Units whose encoding or escape differs: ASCII, quote, backslash, controls, DEL, separators, surrogates alone and paired, CJK, U+FFFD, full-width, Latin-1. */
const UNITS = ['a', '"', '\\', '\u0000', '\n', '\u001f', '\u007f', '\u2028', '\ud800', '\udc00', '\ud83d\ude00', '好', '\ufffd', '！', 'é', '\u0800', '\uffff'];

describe('JsonPrinter', () => {
  it('prints strings short and long (Buffer.write takes the long ones) as JSON.stringify does', () => {
    const random = seeded(3);
    for (let i = 0; i < 5000; i++) {
      let text = '';
      // Often one special unit or none in a long string, so the native path meets each alone.
      const rate = random() < 0.5 ? 0.01 : 0.2;
      for (let n = Math.floor(random() * 100); n > 0; n--) text += random() < 1 - rate ? 'x' : pick(random, UNITS);
      expect(printedText((printer) => printer.string(text)), JSON.stringify(text)).toBe(JSON.stringify(text));
    }
  });

  it('prints numbers as JSON.stringify does', () => {
    const random = seeded(9);
    const numbers = [...NUMBERS, ...Array.from({ length: 3000 }, () => randomNumber(random)), ...Array.from({ length: 3000 }, () => Math.floor(random() * 2e9))];
    for (const n of numbers) expect(printedText((printer) => printer.number(n))).toBe(JSON.stringify(n));
  });

  it('keeps the text printed since mark() in one piece when the buffer is renewed', () => {
    let buffer = Buffer.alloc(8);
    const renewed: number[] = [];
    const printer = new JsonPrinter(buffer, 0, (least) => {
      renewed.push(least);
      return (buffer = Buffer.alloc(least + 3));
    });
    printer.ascii('old');
    printer.mark();
    const values = ['一段较长的中文文本，用来装满缓冲区。', 'tab\there', '😀'.repeat(9)];
    for (const value of values) {
      printer.string(value);
      printer.comma();
    }
    expect(renewed.length).toBeGreaterThan(1);
    expect(printer.marked).toBe(0);
    expect(printer.bytes.toString('utf8', printer.marked, printer.at)).toBe(`${values.map((v) => JSON.stringify(v)).join(',')},`);
  });
});
