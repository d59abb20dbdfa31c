import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverFiles, isChatExport } from '../../src/input/discover.js';
import { chatlint, tempDir } from '../helpers/cli.js';
import { fixture } from '../helpers/reading.js';

/** An export folder as people have them: transcripts next to notes, a Slack export with its metadata. */
function exportFolder(): string {
  const dir = tempDir({
    'chat.txt': readFileSync(fixture('formats/whatsapp/us-12h.txt')),
    'notes.txt': 'Call the customer back on Monday.\n',
    'transcript.html': readFileSync(fixture('formats/salesforce-transcript/0570X00000Q1x9A.html')),
    'index.HTM': '<html><body><p>Exports of November</p></body></html>\n',
    'export.jsonl': `${JSON.stringify({ conversation_id: 'j1', timestamp: '2026-11-27T10:00:00Z', role: 'customer', text: 'hi' })}\n`,
    // Named like Slack metadata but holding messages: read it.
    'users.json': JSON.stringify([{ conversation_id: 'u1', timestamp: '2026-11-27T10:00:00Z', role: 'customer', text: 'hi' }]),
  });
  cpSync(fixture('formats/slack/export'), join(dir, 'slack'), { recursive: true });
  mkdirSync(join(dir, 'empty'));
  return dir;
}

describe('directory discovery', () => {
  it('takes .txt and .html files only when a product format claims them, and leaves out Slack metadata', async () => {
    const dir = exportFolder();
    expect(await discoverFiles([dir])).toEqual([
      `${dir}/chat.txt`,
      `${dir}/export.jsonl`,
      `${dir}/slack/help-desk/2026-03-02.json`,
      `${dir}/transcript.html`,
      `${dir}/users.json`,
    ]);
  });

  it('takes any file named on the command line, or matched by a glob, as it is', async () => {
    const dir = exportFolder();
    expect(await discoverFiles([join(dir, 'notes.txt'), join(dir, 'slack/users.json')])).toEqual([join(dir, 'notes.txt'), join(dir, 'slack/users.json')]);
    expect(await discoverFiles([`${dir}/*.txt`])).toEqual([`${dir}/chat.txt`, `${dir}/notes.txt`]);
  });

  it('isChatExport: sniffed text, Slack metadata by name and content, everything else yes', async () => {
    const dir = exportFolder();
    expect(await isChatExport(join(dir, 'chat.txt'))).toBe(true);
    expect(await isChatExport(join(dir, 'notes.txt'))).toBe(false);
    expect(await isChatExport(join(dir, 'index.HTM'))).toBe(false);
    expect(await isChatExport(join(dir, 'slack/users.json'))).toBe(false);
    expect(await isChatExport(join(dir, 'slack/channels.json'))).toBe(false);
    expect(await isChatExport(join(dir, 'users.json'))).toBe(true);
    expect(await isChatExport(join(dir, 'missing.txt'))).toBe(false);
    writeFileSync(join(dir, 'channels.json'), '[{"id": "C1", "name": "help"');
    expect(await isChatExport(join(dir, 'channels.json'))).toBe(true);
  });

  it('checks a Slack export folder without counting its users as bad records', async () => {
    const dir = exportFolder();
    const result = await chatlint(['check', join(dir, 'slack'), '-f', 'json', '--quiet']);
    const report = JSON.parse(result.stdout);
    expect(report.summary.files).toBe(1);
    expect(report.summary.messages).toBe(6);
    expect(report.skipped.map((s: { reason: string }) => s.reason)).toEqual([expect.stringMatching(/^channel help-desk: unusable ts/)]);
  });
});
