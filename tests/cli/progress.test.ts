import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

/** main() in this process, stderr a terminal or not as asked. */
async function run(args: string[], stderrIsTTY: boolean) {
  const sink = (isTTY: boolean) => {
    const parts: string[] = [];
    const stream = Object.assign(
      new Writable({
        write(chunk: Buffer | string, _encoding, done) {
          parts.push(chunk.toString());
          done();
        },
      }),
      { isTTY },
    );
    return { stream, text: () => parts.join('') };
  };
  const stdout = sink(false);
  const stderr = sink(stderrIsTTY);
  const code = await main(['check', 'fixtures/nightly', '--format', 'json', ...args], {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: Object.assign(Readable.from([]), { isTTY: true }),
    env: { ...process.env, NO_COLOR: '1', LANG: 'C', CHATLINT_CACHE_DIR: '' },
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

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
});
