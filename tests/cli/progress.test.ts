import { describe, expect, it } from 'vitest';
import { chatlint as chatlintHere } from '../helpers/cli.js';

const run = (args: string[], stderrIsTTY: boolean) => chatlintHere(['check', 'fixtures/nightly', '--format', 'json', ...args], { stderrTty: stderrIsTTY, tty: true });

const withoutTime = (report: string) => report.replace(/"generatedAt": "[^"]*"/, '');

describe('progress bar', () => {
  it('never appears off a terminal unless asked, and never on stdout', async () => {
    const plain = await run([], false);
    expect(plain.stderr).not.toContain('checking [');
    expect(plain.stdout).not.toContain('checking [');
    const refused = await run(['--no-progress'], true);
    expect(refused.stderr).not.toContain('checking [');
    expect(withoutTime(refused.stdout)).toBe(withoutTime(plain.stdout));
  });

  it('--progress shows it on stderr wherever stderr goes; the report is unchanged', async () => {
    const plain = await run([], false);
    const shown = await run(['--progress'], false);
    expect(shown.stderr).toMatch(/checking \[.*\] 100% \| files 2\/2 \| [\d.]+\/[\d.]+ MB \| 574 messages/);
    expect(shown.stdout).not.toContain('checking [');
    expect(shown.code).toBe(plain.code);
    expect(withoutTime(shown.stdout)).toBe(withoutTime(plain.stdout));
  });

  it('counts what worker threads read', async () => {
    const shown = await chatlintHere(['check', 'fixtures/nightly', '--format', 'json', '--progress', '--jobs', '2'], { tty: true, env: { CHATLINT_TEST_MIN_RANGE_BYTES: '1' } });
    expect(shown.stderr).toMatch(/checking \[.*\] 100% \| files 2\/2 \| [\d.]+\/[\d.]+ MB \| 574 messages/);
  });
});
