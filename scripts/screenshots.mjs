#!/usr/bin/env node
// Regenerates the README's screenshots in docs/ from the built CLI and Debian's chromium
// (`npm run build` first; fonts-wqy-zenhei and fonts-noto-color-emoji make Chinese and emoji legible).
//   docs/html-report.png          check fixtures/nightly --format html, the overview
//   docs/html-conversation.png    the same report after clicking an agent, then a conversation
//   docs/audit-timeline.png       audit's coloured terminal output, its ANSI colours turned into HTML as they are
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'chatlint-shots-'));
const cli = (args, env = {}) =>
  execFileSync(process.execPath, [join(root, 'bin/chatlint.js'), ...args], {
    cwd: root, encoding: 'utf8', env: { ...process.env, LANG: 'C', CHATLINT_CACHE_DIR: '', ...env }, stdio: ['ignore', 'pipe', 'ignore'],
  });
const tolerant = (args, env) => {
  try {
    return cli(args, env);
  } catch (error) {
    return error.stdout; // exit 1: findings
  }
};

// The SGR codes chalk writes at level 1 (16 colours), as a terminal with a dark theme shows them.
const FG = { 31: '#ff6b6b', 32: '#69db7c', 33: '#ffd43b', 34: '#74c0fc', 35: '#da77f2', 36: '#66d9e8', 37: '#f1f3f5', 97: '#ffffff' };
const BG = { 41: '#c92a2a' };
function ansiToHtml(text) {
  const state = { bold: false, dim: false, underline: false, fg: null, bg: null };
  const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  let out = '';
  for (const [i, part] of text.split(/\u001b\[([0-9;]*)m/).entries()) {
    if (i % 2 === 1) {
      for (const code of part.split(';').map(Number)) {
        if (code === 0) Object.assign(state, { bold: false, dim: false, underline: false, fg: null, bg: null });
        else if (code === 1) state.bold = true;
        else if (code === 2) state.dim = true;
        else if (code === 22) state.bold = state.dim = false;
        else if (code === 4) state.underline = true;
        else if (code === 24) state.underline = false;
        else if (code === 39) state.fg = null;
        else if (code === 49) state.bg = null;
        else if (FG[code]) state.fg = FG[code];
        else if (BG[code]) state.bg = BG[code];
      }
      continue;
    }
    if (!part) continue;
    const style = [
      state.fg && `color:${state.fg}`, state.bg && `background:${state.bg}`, state.bold && 'font-weight:bold',
      state.dim && 'opacity:.6', state.underline && 'text-decoration:underline',
    ].filter(Boolean).join(';');
    out += style ? `<span style="${style}">${escape(part)}</span>` : escape(part);
  }
  return out;
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });

  const report = join(work, 'report.html');
  tolerant(['check', 'fixtures/nightly', '-o', report, '--lang', 'en']);
  await page.goto(pathToFileURL(report).href);
  await page.screenshot({ path: join(root, 'docs/html-report.png'), fullPage: true });
  await page.click('#agents tbody tr:first-child a');
  await page.click('#detail tbody tr:first-child a');
  await page.locator('#detail .timeline').waitFor();
  await page.screenshot({ path: join(root, 'docs/html-conversation.png'), fullPage: true });

  const ansi = tolerant(['audit', 'fixtures/nightly', '--conversation', 'C1127-011', '--width', '96'], { FORCE_COLOR: '1' });
  const terminal = join(work, 'terminal.html');
  writeFileSync(
    terminal,
    `<!DOCTYPE html><meta charset="utf-8"><body style="margin:0;background:#1e1e1e"><pre style="margin:0;padding:14px 18px;color:#e9ecef;` +
      `font:15px/1.35 'DejaVu Sans Mono','WenQuanYi Zen Hei Mono','Noto Color Emoji',monospace;width:max-content">` +
      `<span style="opacity:.6">$ chatlint audit fixtures/nightly --conversation C1127-011</span>\n${ansiToHtml(ansi)}</pre>`,
  );
  await page.setViewportSize({ width: 900, height: 400 });
  await page.goto(pathToFileURL(terminal).href);
  await page.locator('pre').screenshot({ path: join(root, 'docs/audit-timeline.png') });
} finally {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}
console.log('wrote docs/html-report.png, docs/html-conversation.png, docs/audit-timeline.png');
