import { describe, expect, it } from 'vitest';
import { conversation, msg, runRule } from '../helpers/rules.js';

const PHRASES = `
id: no-rude
kind: forbidden-phrase
phrases: ["我晕", "天啊", "calm down", "hell", "OK"]
`;
const PUNCT = `
id: no-runs
kind: forbidden-punctuation
patterns: ["[!！]{2,}", "[?？]{2,}", "。{2,}", "…{2,}"]
`;

describe('forbidden-phrase', () => {
  it('reports each occurrence with the matched text and its offset', () => {
    const findings = runRule(PHRASES, conversation(msg(0, '1024', '我晕，天啊，我晕')));
    expect(findings.map((f) => [f.match, f.offset])).toEqual([['我晕', 0], ['天啊', 3], ['我晕', 6]]);
  });

  it('matches Latin phrases at word boundaries only, ignoring case by default', () => {
    expect(runRule(PHRASES, conversation(msg(0, 'A1', 'Hello there, shellfish')))).toEqual([]);
    expect(runRule(PHRASES, conversation(msg(0, 'A1', 'Please CALM DOWN.'))).map((f) => f.match)).toEqual(['CALM DOWN']);
  });

  it('width-folds text and phrases alike and reports the text as written', () => {
    const findings = runRule(PHRASES, conversation(msg(0, 'A1', 'ＯＫ，好的')));
    expect(findings.map((f) => f.match)).toEqual(['ＯＫ']);
  });

  it('respects ignoreCase: false', () => {
    expect(runRule(`${PHRASES}ignoreCase: false`, conversation(msg(0, 'A1', 'ok then')))).toEqual([]);
  });

  it("leaves customers' own words alone unless role says otherwise", () => {
    const conv = conversation(msg(0, 'customer', '天啊，我晕'));
    expect(runRule(PHRASES, conv)).toEqual([]);
    expect(runRule(`${PHRASES}role: customer`, conv)).toHaveLength(2);
  });

  it('runs regular expressions on folded text', () => {
    const rule = `
id: shout
kind: forbidden-phrase
patterns: ["喂[,，]?\\\\s*说话呀"]
`;
    expect(runRule(rule, conversation(msg(0, '1', '喂，说话呀！')))).toHaveLength(1);
    expect(runRule(rule, conversation(msg(0, '1', '喂 说话呀')))).toHaveLength(1);
  });
});

describe('forbidden-punctuation', () => {
  it('treats "！！" and "!!" as the same run', () => {
    const findings = runRule(PUNCT, conversation(msg(0, '1', '好的！！'), msg(1, '1', '好的!!'), msg(2, '1', '好的！!')));
    expect(findings.map((f) => f.match)).toEqual(['！！', '!!', '！!']);
  });

  it('finds 。。。 and …… runs but not a single 。 or …', () => {
    const findings = runRule(PUNCT, conversation(msg(0, '1', '好的。稍等…这个。。。嗯……')));
    expect(findings.map((f) => f.match)).toEqual(['。。。', '……']);
  });

  it('reports one finding per run, not per character', () => {
    expect(runRule(PUNCT, conversation(msg(0, '1', '什么？？？？')))).toHaveLength(1);
  });
});

describe('forbidden-phrase position: start (filler openings)', () => {
  const FILLER = `
id: no-filler-opening
kind: forbidden-phrase
phrases: ["啊", "嗯", "那"]
position: start
`;
  const hits = (text: string, rule = FILLER) => runRule(rule, conversation(msg(0, '1', text))).map((f) => [f.match, f.offset]);

  it('fires only at the start of a message, after leading whitespace and punctuation', () => {
    expect(hits('嗯，我看一下')).toEqual([['嗯', 0]]);
    expect(hits('  …嗯，好的')).toEqual([['嗯', 3]]);
    expect(hits('“那，您稍等')).toEqual([['那', 1]]);
    expect(hits('好的啊，那我看一下')).toEqual([]);
  });

  it('reports one hit per message, not every repeat of the filler', () => {
    expect(hits('嗯嗯，好的')).toEqual([['嗯', 0]]);
  });

  it('fires on "那个订单" too: the phrase alone decides; a pattern narrows it to the filler', () => {
    expect(hits('那个订单已经发货了')).toEqual([['那', 0]]);
    const narrow = `
id: no-filler-opening
kind: forbidden-phrase
patterns: ["那[,，、 ]", "[啊嗯]"]
position: start
`;
    expect(hits('那个订单已经发货了', narrow)).toEqual([]);
    expect(hits('那，订单已经发货了', narrow)).toEqual([['那，', 0]]);
  });

  it('anywhere stays the default', () => {
    expect(hits('好的啊', FILLER.replace('position: start', ''))).toEqual([['啊', 2]]);
  });
});

describe('forbidden-phrase exceptions (longest match wins)', () => {
  const HONORIFIC = `
id: use-honorific
kind: forbidden-phrase
phrases: ["你"]
exceptions:
  phrases: ["你们", "你好", "你的名字"]
`;
  const hits = (text: string, rule = HONORIFIC) => runRule(rule, conversation(msg(0, '1', text))).map((f) => [f.match, f.offset]);

  it('drops a hit an exception contains and keeps the rest', () => {
    expect(hits('你好，你们的订单到了，你看一下')).toEqual([['你', 11]]);
    expect(hits('电影《你的名字》的周边，你要吗')).toEqual([['你', 12]]);
  });

  it('keeps a hit longer than every exception that overlaps it', () => {
    const rule = `
id: r
kind: forbidden-phrase
phrases: ["你们这些人"]
exceptions:
  phrases: ["你们"]
`;
    expect(hits('你们这些人真是', rule)).toEqual([['你们这些人', 0]]);
  });

  it('counts overlapping exception matches: each exception is tried at every position', () => {
    const rule = `
id: r
kind: forbidden-phrase
phrases: ["你"]
exceptions:
  phrases: ["好你", "你们"]
`;
    // "好你" matches at 0 and would hide an overlapping "你们" from a left-to-right scan; both cover their 你.
    expect(hits('好你们', rule)).toEqual([]);
    expect(hits('好你 你', rule)).toEqual([['你', 3]]);
  });

  it('takes patterns as exceptions, width-folded and ignoring case like the rule', () => {
    const rule = `
id: r
kind: forbidden-phrase
phrases: ["hell"]
exceptions:
  patterns: ["hell's kitchen", "HELL\\\\s+YEAH"]
`;
    expect(hits("Welcome to Hell's Kitchen", rule)).toEqual([]);
    expect(hits('ｈｅｌｌ yeah, go to hell', rule)).toEqual([['hell', 17]]);
  });

  it('combines with position: start', () => {
    expect(hits('你好，请问', `${HONORIFIC}position: start`)).toEqual([]);
    expect(hits('你先别急，你好', `${HONORIFIC}position: start`)).toEqual([['你', 0]]);
  });

  it('keeps offsets right after emoji, and stays linear on a long message full of hits', () => {
    expect(hits('😀你们 😀你')).toEqual([['你', 7]]);
    const long = '你们你'.repeat(30_000);
    // No timing here: a quadratic scan would run into the test timeout, which is the guard.
    const findings = runRule(HONORIFIC, conversation(msg(0, '1', long)));
    expect(findings.length).toBe(30_000);
    expect(findings.slice(0, 2).map((f) => [f.match, f.offset])).toEqual([['你', 2], ['你', 5]]);
  });

  it('rejects an empty exception set', () => {
    expect(() => runRule(`${PHRASES}exceptions: {}`, conversation())).toThrow(/exceptions\.phrases: needs at least one phrase or pattern/);
  });
});
