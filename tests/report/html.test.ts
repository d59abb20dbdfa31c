import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { chatlint } from '../helpers/cli.js';
import { HOSTILE, hostileExport } from './html-fixture.js';

async function htmlReport(args: string[] = []): Promise<string> {
  const out = join(tempDir(), 'report.html');
  const { code, stderr } = await chatlint(['check', hostileExport(), '-o', out, ...args], { tty: true });
  expect(stderr).toContain('wrote');
  expect(code).toBe(1);
  return readFileSync(out, 'utf8');
}

/** The JSON embedded in the page, as the page's script reads it. */
function embedded(page: string): { agents: unknown[][]; conversations: unknown[][]; transcripts: Array<{ c: number; m: unknown[][] } | null>; labels: Record<string, string> } {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page);
  expect(match).not.toBeNull();
  return JSON.parse(match?.[1] ?? '');
}

describe('--format html', () => {
  it('is one self-contained file: no URL in any src or href, no external resource, a policy that forbids loading', async () => {
    const page = await htmlReport();
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).not.toMatch(/\s(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(page).not.toMatch(/<link\b|<iframe\b|@import|url\(/i);
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"`);
    // Exactly the two script elements the report writes: the data and the inline program.
    expect(page.match(/<script\b/g)).toHaveLength(2);
    expect(page.match(/<\/script>/g)).toHaveLength(2);
  });

  it('picks html from the -o extension', async () => {
    const out = join(tempDir(), 'night.html');
    await chatlint(['check', hostileExport(), '-o', out], { tty: true });
    expect(readFileSync(out, 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('escapes hostile names and texts: no markup from the data, and the data reads back exactly', async () => {
    const page = await htmlReport();
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<b onmouseover');
    expect(page).not.toContain('<!-- 你们');
    expect(page).not.toContain('alert(3)</script>');
    // The static charts name the agent, escaped.
    expect(page).toContain('&lt;b onmouseover=alert(2)&gt;constructor&lt;/b&gt;');
    const data = embedded(page);
    const agent = data.agents.find((a) => a[0] === HOSTILE.agentId);
    expect(agent?.[1]).toBe(HOSTILE.agentName);
    const index = data.conversations.findIndex((c) => c[0] === HOSTILE.conversation);
    expect(index).toBeGreaterThanOrEqual(0);
    expect(data.transcripts[index]?.m[1]?.[5]).toBe(HOSTILE.text);
  });

  it('shows summary tiles and the four charts, the limit marked on the delay histogram', async () => {
    const page = await htmlReport();
    for (const label of ['Conversations', 'Messages', 'Findings', 'Average score', 'Pass rate', 'Skipped records']) {
      expect(page).toContain(`<div class="label">${label}</div>`);
    }
    for (const chart of ['Findings per agent', 'Findings by rule', 'Score distribution', 'Reply delays (seconds)']) {
      expect(page).toContain(`<figcaption>${chart}</figcaption>`);
    }
    expect(page).toContain('limit 60 s');
    expect(page).toContain('class="bar late"');
  });

  it('labels in Chinese with --lang zh-CN', async () => {
    const page = await htmlReport(['--lang', 'zh-CN']);
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('<div class="label">合格率</div>');
    expect(embedded(page).labels.back).toBe('← 返回');
  });
});
