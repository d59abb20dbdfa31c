import { describe, expect, it } from 'vitest';
import { withStreams, type Io } from '../../src/cli/io.js';

describe('withStreams', () => {
  it('replaces the streams it is given and leaves a getter unread', () => {
    let made = 0;
    const stdout = { write: () => true } as unknown as Io['stdout'];
    const io: Io = {
      stdout,
      stderr: stdout,
      get stdin() {
        made++;
        return [] as unknown as Io['stdin'];
      },
      env: {},
      stdinFd: 0,
    };
    const replaced = { write: () => false } as unknown as Io['stderr'];
    const copy = withStreams(io, { stderr: replaced });
    expect(made).toBe(0);
    expect(copy.stderr).toBe(replaced);
    expect(copy.stdout).toBe(stdout);
    expect(copy.stdinFd).toBe(0);
    expect(copy.stdin).toEqual([]);
    expect(made).toBe(1);
  });
});
