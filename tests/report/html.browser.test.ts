import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext } from 'playwright-core';
import { ROOT, tempDir } from '../helpers/cli.js';
import { chatlint } from '../helpers/cli.js';
import { HOSTILE, hostileExport } from './html-fixture.js';

// Debian's chromium (installed by .ci/run); without it there is no browser to check with.
const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('HTML report in headless Chromium', () => {
  const profile = mkdtempSync(join(tmpdir(), 'chatlint-chromium-'));
  let browser: BrowserContext | undefined;
  afterAll(async () => {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('opens without errors or network, filters and sorts agents, and drills down agent → conversation', { timeout: 120_000 }, async () => {
    // Screenshots stay in test-results/ (git-ignored) for a person to look at after the run.
    const out = join(ROOT, 'test-results', 'html-report');
    mkdirSync(out, { recursive: true });
    const report = join(tempDir(), 'report.html');
    expect((await chatlint(['check', hostileExport(), '-o', report], { tty: true })).code).toBe(1);

    // One launch for the whole check, in a fresh profile, with nothing that phones home.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1200, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) problems.push(`request: ${request.url()}`);
    });
    await page.goto(pathToFileURL(report).href);

    const rows = page.locator('#agents tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    await page.fill('#agents input[type=search]', '1024');
    await expect.poll(() => rows.count()).toBe(1);
    await page.fill('#agents input[type=search]', '');
    await page.click('#agents th:has-text("Findings")');
    expect(await page.getAttribute('#agents th:has-text("Findings")', 'aria-sort')).toBe('descending');
    await page.screenshot({ path: join(out, 'overview.png'), fullPage: true });

    // Agent → its conversations → the timeline, every hostile string shown as text.
    await page.click(`#agents a:text-is("${HOSTILE.agentId}")`);
    await page.locator('#detail h2').waitFor();
    expect(await page.textContent('#detail h2')).toBe(`Agent ${HOSTILE.agentId} ${HOSTILE.agentName}`);
    await page.screenshot({ path: join(out, 'agent.png'), fullPage: true });
    await page.click('#detail tbody a');
    await page.locator('#detail .timeline').waitFor();
    expect(await page.textContent('#detail h2')).toBe(`Conversation ${HOSTILE.conversation}`);
    const texts = await page.locator('#detail .msg .text').allTextContents();
    expect(texts).toContain(HOSTILE.text);
    expect(await page.locator('#detail mark').allTextContents()).toContain('喂，说吧');
    expect(await page.locator('img, b, #detail script').count()).toBe(0);
    await page.screenshot({ path: join(out, 'conversation.png'), fullPage: true });
    expect(existsSync(join(out, 'conversation.png'))).toBe(true);

    expect(problems).toEqual([]);
  });
});
