import { describe, expect, it } from 'vitest';
import { conversation, msg, runRule } from '../helpers/conversation.js';

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
