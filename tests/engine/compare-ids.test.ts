import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareIds } from '../../src/engine/aggregate.js';

// Agent ids are ordered as localeCompare(b, 'en', { numeric: true }) orders them, staff numbers without ICU.
const collator = new Intl.Collator('en', { numeric: true });
const sign = (n: number) => Math.sign(n);
const staffNumber = fc.oneof(fc.constant('0'), fc.tuple(fc.integer({ min: 1, max: 9 }), fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 24 })).map(([first, rest]) => `${first}${rest}`));
const anyId = fc.oneof(staffNumber, fc.string({ maxLength: 8 }), fc.string({ unit: fc.constantFrom(...'007Aa-_ 9１'), maxLength: 6 }));

describe('compareIds', () => {
  it('orders staff numbers by value, as the collator does', () => {
    fc.assert(fc.property(staffNumber, staffNumber, (a, b) => sign(compareIds(a, b)) === sign(collator.compare(a, b))), { numRuns: 3000 });
    expect(['10', '9', '100', '0', '99'].sort(compareIds)).toEqual(['0', '9', '10', '99', '100']);
  });

  it('orders any other ids, and numbers among them, as the collator does', () => {
    fc.assert(fc.property(anyId, anyId, (a, b) => sign(compareIds(a, b)) === sign(collator.compare(a, b))), { numRuns: 3000 });
    expect(['A10', '007', 'A9', '7', '10'].sort(compareIds)).toEqual(['007', '7', '10', 'A9', 'A10'].sort((a, b) => collator.compare(a, b)));
  });
});
