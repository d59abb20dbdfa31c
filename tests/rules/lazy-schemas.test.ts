import { describe, expect, it } from 'vitest';
import { once } from '../../src/model/once.js';
import { RULE_KINDS } from '../../src/rules/registry.js';

describe('schemas built on first use', () => {
  it('once builds on the first call only, and keeps falsy values too', () => {
    for (const value of [0, '', null, undefined, false, { a: 1 }]) {
      let builds = 0;
      const get = once(() => {
        builds++;
        return value;
      });
      expect(builds).toBe(0);
      expect(get()).toBe(value);
      expect(get()).toBe(value);
      expect(builds).toBe(1);
    }
  });

  it('once builds again after a build that threw (nothing half-built is kept)', () => {
    let builds = 0;
    const get = once(() => {
      builds++;
      if (builds === 1) throw new Error('first build fails');
      return 'built';
    });
    expect(() => get()).toThrow('first build fails');
    expect(get()).toBe('built');
    expect(builds).toBe(2);
  });

  it('every rule kind has one strict schema of its own', () => {
    for (const kind of RULE_KINDS) {
      expect(kind.schema).toBe(kind.schema);
      const unknownField = kind.schema.safeParse({ id: 'x', kind: kind.kind, notAField: 1 });
      expect(unknownField.success).toBe(false);
      expect(unknownField.error?.issues.some((issue) => issue.code === 'unrecognized_keys')).toBe(true);
      expect(kind.schema.safeParse({ id: 'x', kind: 'another-kind' }).success).toBe(false);
    }
  });
});
