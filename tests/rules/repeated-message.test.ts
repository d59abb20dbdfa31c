import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/report.js';
import { normaliseMessage } from '../../src/rules/kinds/repeated-message.js';
import { conversation, msg, runRule } from '../helpers/rules.js';

const RULE = `
id: no-copy-paste
kind: repeated-message
`;
const brief = (f: Finding) => [f.agentId, f.messageIndex, f.match, f.offset, f.message];
const ANSWER = '您好，您的包裹预计明天送达';

describe('repeated-message', () => {
  it('normalises: trim, collapse whitespace, width-fold, case-fold', () => {
    expect(normaliseMessage('  Hello\u3000 ＷＯＲＬＤ\n ')).toBe('hello world');
  });

  it('reports the same text twice in a row from one agent, on the repeat', () => {
    const conv = conversation(msg(0, 'customer', '到哪了'), msg(5, '1024', ANSWER), msg(30, 'customer', '？'), msg(35, '1024', `  ${ANSWER} `));
    expect(runRule(RULE, conv).map(brief)).toEqual([['1024', 3, ANSWER, 2, `Same message sent again (2×): "${ANSWER}"`]]);
  });

  it('counts copies that differ only in width, case or spacing as the same', () => {
    const conv = conversation(msg(0, '7', 'Please check your ＩＮＢＯＸ'), msg(5, '7', 'please  check your inbox'));
    expect(runRule(RULE, conv).map((f) => [f.messageIndex, f.match])).toEqual([[1, 'please  check your inbox']]);
  });

  it('allows `max` non-consecutive copies and reports each one beyond', () => {
    const conv = conversation(
      msg(0, '7', ANSWER),
      msg(1, '7', '请问还有什么可以帮您'),
      msg(2, '7', ANSWER),
      msg(3, '7', '请问还有什么可以帮您'),
      msg(4, '7', ANSWER),
      msg(5, '7', '其他问题请留言'),
      msg(6, '7', ANSWER),
    );
    expect(runRule(RULE, conv).map((f) => [f.messageIndex, f.message])).toEqual([
      [4, `Same message sent again (3×): "${ANSWER}"`],
      [6, `Same message sent again (4×): "${ANSWER}"`],
    ]);
    expect(runRule(`${RULE}max: 3`, conv).map((f) => f.messageIndex)).toEqual([6]);
  });

  it('reports every message of a run: the 2nd and 3rd of three in a row', () => {
    const conv = conversation(msg(0, '7', ANSWER), msg(1, '7', ANSWER), msg(2, '7', ANSWER));
    expect(runRule(RULE, conv).map((f) => [f.messageIndex, f.message])).toEqual([
      [1, `Same message sent again (2×): "${ANSWER}"`],
      [2, `Same message sent again (3×): "${ANSWER}"`],
    ]);
  });

  it("keeps agents apart: the same line from two agents is not a copy, and a customer's or bot's message in between does not break a run", () => {
    const conv = conversation(msg(0, '1024', ANSWER), msg(5, '2048', ANSWER), msg(6, 'customer', ANSWER), msg(7, 'bot', '稍候'), msg(9, '2048', ANSWER));
    expect(runRule(RULE, conv).map(brief)).toEqual([['2048', 4, ANSWER, 0, `Same message sent again (2×): "${ANSWER}"`]]);
  });

  it('ignores messages shorter than minLength entirely, also for "in a row"', () => {
    const conv = conversation(msg(0, '7', '好的'), msg(1, '7', '好的'), msg(2, '7', ANSWER), msg(3, '7', '嗯嗯'), msg(4, '7', ANSWER));
    expect(runRule(RULE, conv).map((f) => f.messageIndex)).toEqual([4]);
    // Counted, "嗯嗯" is a message of its own between the two answers: no longer in a row.
    expect(runRule(`${RULE}minLength: 2`, conv).map((f) => f.messageIndex)).toEqual([1]);
  });

  it('counts characters, not UTF-16 units, for minLength', () => {
    const conv = conversation(msg(0, '7', '👍👍👍'), msg(1, '7', '👍👍👍'));
    expect(runRule(RULE, conv)).toEqual([]);
    expect(runRule(`${RULE}minLength: 3`, conv).map((f) => f.messageIndex)).toEqual([1]);
  });
});
