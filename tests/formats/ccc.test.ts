import { describe, expect, it } from 'vitest';
import { contentText } from '../../src/input/formats/ccc-content.js';
import { brief, readProduct, readProductFixture } from '../helpers/reading.js';

describe('aliyun-ccc', () => {
  it('reads Data.Messages: SenderType roles, ms and s timestamps, JSON Content with HTML, recalled messages kept', () => {
    const { messages, skips, records } = readProductFixture('aliyun-ccc', 'aliyun-ccc/visitor-chat-messages.json');
    const id = 'chat-80412277301946112';
    expect(messages.map(brief)).toEqual([
      { conversationId: id, time: '2026-03-02T02:00:00Z', role: 'system', agentId: undefined, text: '您好，欢迎咨询明航客服，正在为您转接人工坐席' },
      { conversationId: id, time: '2026-03-02T02:00:05Z', role: 'customer', agentId: undefined, text: '你好，我的订单一直没发货' },
      { conversationId: id, time: '2026-03-02T02:00:30Z', role: 'agent', agentId: '64c0a1b2c3d4e5f601020304', text: '您好，我是客服小林，工号1024，很高兴为您服务\n请提供订单号' },
      { conversationId: id, time: '2026-03-02T02:00:50Z', role: 'customer', agentId: undefined, text: '[Image]' },
      { conversationId: id, time: '2026-03-02T02:01:20Z', role: 'agent', agentId: '64c0a1b2c3d4e5f601020304', text: '稍等' },
      { conversationId: id, time: '2026-03-02T02:01:30Z', role: 'agent', agentId: '64c0a1b2c3d4e5f601020304', text: '已为您催促仓库，今天发出' },
    ]);
    expect(messages[1]?.timestamp).toBe(Date.UTC(2026, 2, 2, 2, 0, 5, 123));
    expect(messages[2]?.agentName).toBe('xiaolin@ccc-demo');
    expect(messages[3]?.meta).toEqual({ contentType: 'Image' });
    expect(messages[4]?.meta).toEqual({ contentType: 'Text', recalled: 'true' });
    expect(messages[5]?.meta).toBeUndefined(); // plain-text Content
    expect(records).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(skips.map((s) => [s.record, s.reason])).toEqual([
      [5, 'job chat-80412277301946112: unusable Timestamp ""'],
      [6, 'job chat-80412277301946112: unknown SenderType "SUPERVISOR"'],
    ]);
  });

  it('reads a bare Messages array and an array of pages', () => {
    const message = { JobId: 'j1', SenderType: 'AGENT', SenderName: 'a@x', Timestamp: 1772416800000, Content: '{"text":"hi","contentType":"Text"}' };
    expect(readProduct('aliyun-ccc', '', { file: 'a.json' }, [message]).messages.map((m) => [m.role, m.agentId, m.text])).toEqual([['agent', 'a@x', 'hi']]);
    const pages = [{ Data: { Messages: [message] } }, { Data: { Messages: [{ ...message, Timestamp: 1772416801000 }] } }];
    expect(readProduct('aliyun-ccc', '', { file: 'a.json' }, pages).messages).toHaveLength(2);
  });

  it('never throws on bad content', () => {
    expect(readProduct('aliyun-ccc', '{"Data":', { file: 'a.json' }).skips[0]?.reason).toMatch(/not valid JSON/);
    expect(readProduct('aliyun-ccc', '', { file: 'a.json' }, { Data: {} }).skips[0]?.reason).toMatch(/not an Aliyun CCC export/);
    expect(readProduct('aliyun-ccc', '', { file: 'a.json' }, [{ SenderType: 'AGENT', Timestamp: 1, Content: '' }]).skips[0]?.reason).toMatch(/without a JobId/);
  });
});

describe('tencent-ccc', () => {
  it('reads Response.Messages: seconds, multi-part bodies, image-only bodies, JSON content, id from the file name', () => {
    const { messages, skips, records } = readProductFixture('tencent-ccc', 'tencent-ccc/session-6b1d9e44.json', { agents: ['wangfang@brightline.example'] });
    expect(messages.map(brief)).toEqual([
      { conversationId: 'session-6b1d9e44', time: '2026-03-02T03:00:00Z', role: 'customer', agentId: undefined, text: '请问退款多久到账？' },
      { conversationId: 'session-6b1d9e44', time: '2026-03-02T03:00:30Z', role: 'agent', agentId: 'wangfang@brightline.example', text: '您好，客服王芳（工号2048）为您服务。\n退款一般3个工作日内到账。' },
      { conversationId: 'session-6b1d9e44', time: '2026-03-02T03:01:00Z', role: 'customer', agentId: undefined, text: '[Image]' },
      { conversationId: 'session-6b1d9e44', time: '2026-03-02T03:02:00Z', role: 'customer', agentId: undefined, text: '谢谢！' },
    ]);
    expect(messages[2]?.meta).toEqual({ contentType: 'Image' });
    expect(records).toEqual([1, 2, 3, 4, 5]);
    expect(skips.map((s) => [s.record, s.reason])).toEqual([[4, 'message from "8f1e2d3c-visitor": unusable Timestamp "昨天"']]);
  });

  it('without agents every sender is a customer', () => {
    const { messages } = readProductFixture('tencent-ccc', 'tencent-ccc/session-6b1d9e44.json');
    expect(messages.every((m) => m.role === 'customer')).toBe(true);
  });

  it('uses SessionId and a SenderType when the export carries them', () => {
    const { messages, skips } = readProductFixture('tencent-ccc', 'tencent-ccc/with-session-id.json');
    expect(messages.map((m) => [m.conversationId, m.role, m.agentId ?? null])).toEqual([
      ['d6c9e2f0-1111-4222-8333-944455566677', 'customer', null],
      ['d6c9e2f0-1111-4222-8333-944455566677', 'agent', '客服1024'],
    ]);
    expect(skips[0]?.reason).toBe('message from "质检": unknown SenderType "监听"');
  });

  it('never throws on bad content', () => {
    expect(readProduct('tencent-ccc', '[', { file: 't.json' }).skips[0]?.reason).toMatch(/not valid JSON/);
    expect(readProduct('tencent-ccc', '', { file: 't.json' }, { Response: { Error: { Code: 'AuthFailure' } } }).skips[0]?.reason).toMatch(/not a Tencent CCC export/);
    expect(readProduct('tencent-ccc', '', { file: 't.json' }, [{ Timestamp: 1772420400, Messages: [] }]).skips[0]?.reason).toBe('message without a From sender');
  });
});

describe('contact-centre Content', () => {
  it.each([
    ['{"text":"<p>好的，不客气</p>","contentType":"Text","subContentType":"richtext"}', '好的，不客气', 'Text'],
    ['{"variables":{},"text":"Hi,我是小云~","contentType":"Text"}', 'Hi,我是小云~', 'Text'],
    ['{"url":"https://x/y.png","contentType":"Image"}', '[Image]', 'Image'],
    ['{not json', '{not json', undefined],
    ['plain &amp; simple', 'plain & simple', undefined],
    ['a < b and c > d', 'a < b and c > d', undefined],
  ])('%s', (content, text, contentType) => {
    expect(contentText(content)).toEqual({ text, ...(contentType ? { contentType } : {}) });
  });
});
