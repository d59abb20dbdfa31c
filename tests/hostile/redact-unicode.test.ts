import { describe, expect, it } from 'vitest';
import { redactText } from '../../src/engine/redact.js';
import { chatlint, tempDir } from '../helpers/cli.js';

const RULES = 'rules:\n  - id: any\n    kind: forbidden-phrase\n    phrases: ["电话"]\n';

describe('--redact recognises numbers and addresses written in other Unicode forms, and masks the original span', () => {
  it.each([
    ['full-width digits', '电话１３８１２３４５６７８好', '电话***********好'],
    ['full-width digits broken by full-width dashes', '电话１３８－１２３４－５６７８', '电话***－****－****'],
    ['full-width digits broken by ideographic spaces', '号码１３８　１２３４　５６７８', '号码***　****　****'],
    ['digits broken by en dashes and no-break spaces', '电话138–1234\u00a05678', '电话***–****\u00a0****'],
    ['Arabic-Indic digits', '电话١٣٨١٢٣٤٥٦٧٨', '电话***********'],
    ['Extended Arabic-Indic (Persian) digits', 'شماره ۱۳۸۱۲۳۴۵۶۷۸', 'شماره ***********'],
    ['Devanagari digits', 'फोन १३८१२३४५६७८', 'फोन ***********'],
    ['mathematical bold digits (two UTF-16 units each)', '𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖 ok', `${'*'.repeat(22)} ok`],
    ['a full-width e-mail address', '邮箱ｚｈａｎｇ．ｓａｎ＠ｅｘａｍｐｌｅ．ｃｏｍ谢谢', '邮箱*****．***＠*******．***谢谢'],
    ['a full-width bank card number with ideographic spaces', '卡号４１１１　１１１１　１１１１　１１１１', '卡号****　****　****　****'],
    ['a full-width international number', '致电＋４４　２０　７９４６　０９５８', '致电＋**　**　****　****'],
  ])('%s', (_name, text, expected) => {
    const masked = redactText(text);
    expect(masked).toBe(expected);
    expect(masked.length).toBe(text.length);
  });

  it('text without personal data is unchanged (years, quantities, order numbers)', () => {
    for (const text of ['２０２６年１１月２７日', '请稍等２分钟', '订单１２３４５', '٢٠٢٦']) expect(redactText(text)).toBe(text);
  });

  it('in a report: excerpts and matches of every format are masked, offsets unchanged', async () => {
    const dir = tempDir({ 'r.yaml': RULES });
    const input = '{"conversation_id":"c1","timestamp":"2026-11-27 10:00:00","role":"agent","agent_id":"7","text":"电话１３８－１２３４－５６７８，邮箱ａ＠ｅｘａｍｐｌｅ．ｃｏｍ"}\n';
    const result = await chatlint(['check', '-', '--rules', `${dir}/r.yaml`, '-f', 'json', '--redact'], { input });
    const finding = (JSON.parse(result.stdout) as { findings: Array<{ excerpt: string; offset: number }> }).findings[0];
    expect(finding?.excerpt).toBe('电话***－****－****，邮箱*＠*******．***');
    expect(finding?.offset).toBe(0);
  });
});
