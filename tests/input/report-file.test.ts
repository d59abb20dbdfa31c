import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FindingList } from '../../src/input/report-file.js';

// The findings of a laid-out JSON report are cut from its bytes (FindingList). The reference is the line
// reader it replaced: every line (a CR before the break dropped), the list opened by the exact line
// `  "findings": [`, each element ending at a line `    }` or `    },`, joined again and parsed.

const FINDINGS_OPEN = '  "findings": [';
const NO_FINDINGS = /^ {2}"findings": \[\],?$/;
const ELEMENT_END = /^ {4}\},?$/;
const LIST_END = /^ {2}\],?$/;

type Outcome = { values: unknown[]; ended: boolean };
const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return 'not JSON';
  }
};

function byLines(text: string): Outcome {
  const values: unknown[] = [];
  let inList = false;
  let element: string[] = [];
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (text.endsWith('\n')) lines.pop();
  for (const line of lines) {
    if (!inList) {
      if (NO_FINDINGS.test(line)) return { values, ended: true };
      inList = line === FINDINGS_OPEN;
      continue;
    }
    if (element.length === 0 && LIST_END.test(line)) return { values, ended: true };
    element.push(line);
    if (!ELEMENT_END.test(line)) continue;
    values.push(parsed(element.join('\n').replace(/,$/, '')));
    element = [];
  }
  return { values, ended: false };
}

function byBytes(bytes: Buffer, cuts: number[]): Outcome {
  const list = new FindingList();
  const values: unknown[] = [];
  const out: string[] = [];
  let from = 0;
  const push = (chunk: Buffer) => {
    out.length = 0;
    const ended = list.push(chunk, out);
    values.push(...out.map(parsed));
    return ended;
  };
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    if (push(bytes.subarray(from, cut))) return { values, ended: true };
    from = cut;
  }
  if (push(bytes.subarray(from))) return { values, ended: true };
  return { values, ended: push(Buffer.from('\n')) };
}

const finding = (i: number, text: string) =>
  JSON.stringify({ ruleId: `r${i}`, message: text, source: { file: 'n.jsonl', line: i }, nested: [{ a: '}' }] }, null, 2)
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');

// Lines of a report and of damaged ones: the head, the list's opening (and lines that start alike), elements
// (with texts that hold braces, escapes and non-ASCII), closings with and without commas, stray lines.
const texts = fc.constantFrom('好的', 'a } b', '    }', '\\n    }', '"', '😀', '', 'x\r\ny');
const line = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.nat({ max: 99 }), texts).map(([i, t]) => finding(i, t)) },
  { weight: 2, arbitrary: fc.constantFrom('    },', '    }', '    }x', '  ]', '  ],', '  ],x', '    {', '      "ruleId": "r"', '      }') },
  { weight: 1, arbitrary: fc.constantFrom(FINDINGS_OPEN, '  "findings": [],', '  "findings": []', '  "findings": [1],', '  "summary": {}', '{', '}', '') },
);
const report = fc
  .tuple(fc.array(line, { maxLength: 4 }), fc.boolean(), fc.array(line, { maxLength: 12 }), fc.boolean(), fc.boolean())
  .map(([head, open, body, crlf, lastBreak]) => {
    const lines = ['{', '  "schemaVersion": 1,', ...head, ...(open ? [FINDINGS_OPEN] : []), ...body];
    const text = lines.join('\n').replace(/\n/g, crlf ? '\r\n' : '\n');
    return lastBreak ? `${text}${crlf ? '\r\n' : '\n'}` : text;
  });

describe('the findings of a laid-out JSON report, cut from its bytes', () => {
  it('are those the line reader found, however the file is cut into chunks', () => {
    fc.assert(
      fc.property(report, fc.array(fc.nat(), { maxLength: 8 }), (text, cuts) => {
        const bytes = Buffer.from(text, 'utf8');
        expect(byBytes(bytes, cuts)).toEqual(byLines(text));
      }),
      { numRuns: 3000, seed: 20261130 },
    );
  });

  it('reads a report as chatlint writes it, element by element, in one byte chunks too', () => {
    const elements = [finding(1, '您好'), finding(2, '再见 }')];
    const text = ['{', '  "schemaVersion": 1,', FINDINGS_OPEN, `${elements[0]},`, elements[1], '  ],', '  "skipped": []', '}', ''].join('\n');
    const bytes = Buffer.from(text, 'utf8');
    const want = { values: elements.map((e) => JSON.parse(e) as unknown), ended: true };
    expect(byBytes(bytes, [])).toEqual(want);
    expect(byBytes(bytes, Array.from({ length: bytes.length }, (_, i) => i))).toEqual(want);
    expect(byLines(text)).toEqual(want);
  });
});
