import { describe, expect, it } from 'vitest';
import { chatlint, tempDir } from '../helpers/cli.js';
import { join } from 'node:path';

const IOS = '[02/11/2020, 9:47:19 pm] Mara Quist: Hi, my blender stopped working\n[02/11/2020, 9:48:02 pm] Brightline Support: Hello Mara\n';
const json = (argv: string[], input?: string) => chatlint(['check', ...argv, '--preset', 'en', '--format', 'json'], { input });

describe('sniffing: a text export that opens with "[" is not taken for JSON', () => {
  it('an iOS WhatsApp file with an unfamiliar name is read as WhatsApp', async () => {
    const dir = tempDir({ 'chat.log': IOS });
    const { code, stdout } = await json([join(dir, 'chat.log'), '--agents', 'Brightline Support']);
    const report = JSON.parse(stdout) as { summary: { messages: number; skippedRecords: number } };
    expect(report.summary).toMatchObject({ messages: 2, skippedRecords: 0 });
    expect(code).toBe(1);
  });

  it('on stdin, detected and forced', async () => {
    for (const argv of [['-'], ['-', '--input-format', 'whatsapp']]) {
      const { stdout, stderr } = await json([...argv, '--agents', 'Brightline Support'], IOS);
      expect(stderr).not.toMatch(/invalid JSON/);
      expect((JSON.parse(stdout) as { summary: { messages: number } }).summary.messages).toBe(2);
    }
  });

  it('an explicit --input-format wins over the content: forcing json on the same text names the JSON error', async () => {
    const { code, stderr } = await json(['-', '--input-format', 'json'], IOS);
    expect(code).toBe(2);
    expect(stderr).toMatch(/invalid JSON at line 1/);
  });

  it('a JSON document whose first line is "[" alone is still JSON', async () => {
    const text = '[\n  {"conversation_id": "c1", "timestamp": "2026-03-02T09:00:00Z", "role": "customer", "text": "hi"}\n]\n';
    const { stdout } = await json(['-'], text);
    expect((JSON.parse(stdout) as { summary: { messages: number } }).summary.messages).toBe(1);
  });

  it('broken JSON that no text format claims is still refused as invalid JSON', async () => {
    const { code, stderr } = await json(['-'], '[{"conversation_id": "c1",\n');
    expect(code).toBe(2);
    expect(stderr).toMatch(/invalid JSON/);
  });
});
