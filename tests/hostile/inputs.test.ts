import { describe, expect, it } from 'vitest';
import { accountedFor, check, found, skips } from '../helpers/cli.js';

const H = 'fixtures/hostile';

// Run in this process through main() (same code path as the CLI, without a Node start-up per case);
// tests/hostile/{big,output,signals}.test.ts spawn the real CLI.

describe('hostile input files (fixtures/hostile): each has one exact outcome', () => {
  it('a truncated file: the cut last line is skipped with its line, the rest is checked', async () => {
    const out = await check([`${H}/truncated.jsonl`]);
    expect(out.code).toBe(0);
    expect(skips(out)).toEqual([expect.stringMatching(/^3 invalid JSON: Unterminated string in JSON at position \d+$/)]);
    expect(out.report.summary).toMatchObject({ messages: 2, skippedRecords: 1, recordsRead: 3 });
    expect(out.errors).toContain(`${H}/truncated.jsonl:3: skipped: ${out.report.skipped[0]?.reason}`);
  });

  it('a final line without a newline is an ordinary record', async () => {
    const out = await check([`${H}/no-final-newline.jsonl`]);
    expect(out.code).toBe(0);
    expect(out.report.summary).toMatchObject({ messages: 2, skippedRecords: 0 });
    expect(out.report.findings).toEqual([]);
  });

  it('invalid UTF-8 in the middle of a JSON line: that line is skipped, named, and nothing is guessed', async () => {
    const out = await check([`${H}/invalid-utf8.jsonl`]);
    expect(out.code).toBe(0);
    expect(skips(out)).toEqual(['2 not valid UTF-8 text (try --encoding)']);
    expect(out.report.summary).toMatchObject({ messages: 2, recordsRead: 3 });
  });

  it('invalid UTF-8 in the middle of a CSV field: that record is skipped, not read with U+FFFD in it', async () => {
    const out = await check([`${H}/invalid-utf8.csv`]);
    expect(skips(out)).toEqual(['3 not valid UTF-8 text (try --encoding)']);
    expect(out.report.summary).toMatchObject({ messages: 2, recordsRead: 3 });
    expect(JSON.stringify(out.report)).not.toContain('\uFFFD');
  });

  it('a raw NUL byte inside a JSON string is a skip; an escaped \\u0000 is kept as text', async () => {
    const out = await check([`${H}/nul-bytes.jsonl`]);
    expect(out.code).toBe(0);
    expect(skips(out)).toEqual([expect.stringMatching(/^2 invalid JSON: Bad control character in string literal/)]);
    expect(out.report.summary).toMatchObject({ messages: 3, recordsRead: 4 });
  });

  it.each([
    ['photo.jsonl', 'looks like a PNG image, not a chat export'],
    ['workbook.csv', 'looks like a ZIP archive (an .xlsx workbook? export it as CSV), not a chat export'],
    ['noise.jsonl', 'looks like a binary file (it holds NUL and control bytes), not a chat export'],
  ])('a binary file given by mistake (%s) is refused whole: exit 2 naming the file', async (name, reason) => {
    const out = await check([`${H}/${name}`]);
    expect(out.code).toBe(2);
    expect(out.errors).toEqual([`${H}/${name}: ${reason}`, 'no input could be read']);
    expect(skips(out)).toEqual([`#0 file not read: ${reason}`]);
  });

  it('a binary file among good ones: the good ones are checked, the binary one is one skipped record', async () => {
    const out = await check([`${H}/photo.jsonl`, `${H}/no-final-newline.jsonl`]);
    expect(out.code).toBe(0);
    expect(out.report.summary).toMatchObject({ messages: 2, skippedRecords: 1 });
    expect((await check([`${H}/photo.jsonl`, `${H}/no-final-newline.jsonl`, '--strict'])).code).toBe(2);
  });

  it('duplicate keys in a JSON object: the record is skipped naming the key (JSON.parse would keep the last silently)', async () => {
    const out = await check([`${H}/duplicate-keys.jsonl`]);
    expect(out.code).toBe(0);
    expect(skips(out)).toEqual([
      '1 duplicate key "text" in one JSON object (which value is meant?)',
      '2 duplicate key "text" in one JSON object (which value is meant?)',
      '3 duplicate key "id" in one JSON object (which value is meant?)',
    ]);
    expect(out.report.summary).toMatchObject({ messages: 1, recordsRead: 4 });
  });

  it('a duplicate key at the top of a JSON document: exit 2 naming file and key', async () => {
    const out = await check([`${H}/duplicate-keys.json`]);
    expect(out.code).toBe(2);
    expect(out.errors[0]).toBe(`${H}/duplicate-keys.json: duplicate key "conversations" at the top level of the document (which value is meant?)`);
  });

  it('numbers as strings and strings as numbers: read as the same value; what cannot be exact or meant is a skip', async () => {
    const out = await check([`${H}/types.jsonl`]);
    expect(out.code).toBe(0);
    expect(skips(out)).toEqual([
      '3 unknown role "1"',
      '4 conversation id 12345678901234567000 is a number too large to be exact (over 2^53); the export must give it as a string',
      '5 unparseable timestamp "true"',
    ]);
    // conversation 42 (number) and "42" (string) are one conversation; agent 7 (number) greets as "7"; text 12345 is "12345".
    expect(out.report.summary).toMatchObject({ conversations: 2, messages: 3 });
    expect(found(out)).toEqual([]);
  });

  it('timestamps in the far past or future, NaN, negative: skipped with the reason; out-of-order lines are ordered by time', async () => {
    const out = await check([`${H}/timestamps.jsonl`]);
    expect(out.code).toBe(1);
    expect(skips(out)).toEqual([
      '1 timestamp "1969-12-31 23:59:59" is outside the years 1970–2199',
      '2 timestamp "2300-01-01 00:00:00" is outside the years 1970–2199',
      '3 unparseable timestamp "NaN"',
      '4 timestamp "-1" is outside the years 1970–2199',
      '5 timestamp "100000000000000000000" is outside the years 1970–2199',
    ]);
    // Line 7 (10:00:00) comes before line 6 (10:02:00): the reply is 120 s late, the finding sits on the reply.
    expect(out.report.findings.map((f) => [f.ruleId, f.messageIndex, f.seconds, f.source.line])).toEqual([['slow', 1, 120, 6]]);
  });

  it('the same message twice is counted once; the copy is a skip naming the first', async () => {
    const out = await check([`${H}/duplicates.jsonl`]);
    expect(out.code).toBe(0);
    expect(skips(out)).toEqual(['3 duplicate of fixtures/hostile/duplicates.jsonl:1']);
    // Line 4 differs only in the agent's name: not an exact duplicate.
    expect(out.report.summary).toMatchObject({ messages: 3, skippedRecords: 1, recordsRead: 4 });
    expect(accountedFor(out)).toBe(true);
  });

  it('the same export given twice (a file and a copy) is counted once, every copy reported', async () => {
    const out = await check([`${H}/no-final-newline.jsonl`, `${H}/truncated.jsonl`]);
    expect(skips(out)).toEqual([
      expect.stringMatching(/^3 invalid JSON/),
      '1 duplicate of fixtures/hostile/no-final-newline.jsonl:1',
      '2 duplicate of fixtures/hostile/no-final-newline.jsonl:2',
    ]);
    expect(out.report.summary).toMatchObject({ messages: 2, recordsRead: 5 });
  });

  it('a conversation split across several files is checked as one', async () => {
    const split = await check([`${H}/split-1.jsonl`, `${H}/split-2.jsonl`]);
    const reversed = await check([`${H}/split-2.jsonl`, `${H}/split-1.jsonl`]);
    expect(split.code).toBe(1);
    // s1's last message ("我晕") is the customer's: the rude rule checks agents only.
    expect(found(split)).toEqual(['greeting@s1[1]', 'slow@s1[1]', 'runs@s1[1]', 'slow@s2[1]']);
    expect(found(reversed)).toEqual(found(split));
    expect(split.report.summary).toMatchObject({ files: 2, conversations: 2, messages: 5 });
  });

  it('CSV with an unclosed quote: one skipped record at the line the quote opens, saying it swallowed the rest', async () => {
    const out = await check([`${H}/unbalanced-quotes.csv`]);
    expect(skips(out)).toEqual([
      '3 malformed CSV: Quote Not Closed (the quote opened in this record runs to the end of the file, so every line after it is part of this record)',
    ]);
    expect(out.report.summary).toMatchObject({ messages: 1, recordsRead: 2 });
  });

  it('CSV with a stray quote inside a field: one skip on its own line (not two, not on the line before)', async () => {
    const out = await check([`${H}/stray-quote.csv`]);
    expect(skips(out)).toEqual(['3 malformed CSV: Invalid Opening Quote']);
    expect(out.report.summary).toMatchObject({ messages: 2, recordsRead: 3 });
  });

  it('CSV with a bare CR inside a field: the CR is part of the text, the record is read', async () => {
    const out = await check([`${H}/bare-cr.csv`]);
    expect(out.code).toBe(0);
    expect(out.report.summary).toMatchObject({ messages: 2, skippedRecords: 0 });
  });

  it('CSV with ragged rows: each is skipped with both counts', async () => {
    const out = await check([`${H}/ragged.csv`]);
    expect(skips(out)).toEqual(['3 row has 3 fields, header has 5', '4 row has 7 fields, header has 5']);
    expect(out.report.summary).toMatchObject({ messages: 2, recordsRead: 4 });
  });

  it('CSV without a header: exit 2 naming the file and what the first row holds', async () => {
    const out = await check([`${H}/no-header.csv`]);
    expect(out.code).toBe(2);
    expect(out.errors[0]).toBe(
      `${H}/no-header.csv: header row has no column for conversationId, timestamp, role (found: q1, 2026-11-27 10:00:00, customer, , 在吗); is the header missing, or do the columns need mapping?`,
    );
  });

  it.each(['header-only.csv', 'empty.jsonl', 'empty.json', 'bom-only.csv'])('%s: no records, said on stderr; a run with nothing to check exits 2', async (name) => {
    const out = await check([`${H}/${name}`]);
    expect(out.code).toBe(2);
    expect(out.errors).toEqual([`${H}/${name}: no records (an empty file, or a header only)`, 'no records in the input']);
  });

  it('an empty file next to a good one: a warning, and the good one is checked', async () => {
    const out = await check([`${H}/empty.jsonl`, `${H}/no-final-newline.jsonl`]);
    expect(out.code).toBe(0);
    expect(out.errors).toEqual([`${H}/empty.jsonl: no records (an empty file, or a header only)`]);
  });

  it('a path that does not exist: exit 2 naming it', async () => {
    const out = await check([`${H}/nope.jsonl`]);
    expect(out.code).toBe(2);
    expect(out.errors).toEqual([`${H}/nope.jsonl: no such file or directory`]);
  });
});
