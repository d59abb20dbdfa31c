import { describe, expect, it } from 'vitest';
import { csvCell } from '../../src/report/formatters/csv.js';
import { displayWidth, terminalSafe } from '../../src/report/terminal-text.js';

describe('CSV cells', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '  =cmd', ' @x'])('neutralises the formula start in %j', (value) => {
    const cell = csvCell(value);
    expect(cell.replace(/^"/, '').startsWith("'")).toBe(true);
  });
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('a\nb')).toBe('"a\nb"');
    expect(csvCell('您好')).toBe('您好');
    expect(csvCell(null)).toBe('');
    expect(csvCell(-3)).toBe('-3');
  });
});

describe('terminal text', () => {
  it('strips ANSI escapes, OSC titles, control characters and bidi overrides', () => {
    expect(terminalSafe('a\u001b[31mred\u001b[0m')).toBe('ared');
    expect(terminalSafe('x\u001b]0;pwned\u0007y')).toBe('xy');
    expect(terminalSafe('b\u0008\u0000c\u202ed')).toBe('bcd');
    expect(terminalSafe('line1\nline2\r\nline3')).toBe('line1 ⏎ line2 ⏎ line3');
  });
  it('measures CJK as two columns', () => {
    expect(displayWidth('客服ab')).toBe(6);
  });
});
