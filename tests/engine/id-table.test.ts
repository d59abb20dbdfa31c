import { describe, expect, it } from 'vitest';
import { IdHashTable } from '../../src/engine/id-table.js';

describe('the id table', () => {
  it('keeps the first numbers stored for each of many ids, through growth', () => {
    const table = new IdHashTable(2);
    for (let i = 0; i < 5000; i++) table.insert(`C${i}`, i, i * 2);
    for (let i = 0; i < 5000; i++) table.insert(`C${i}`, -1, -1);
    for (const i of [0, 1, 999, 4999]) {
      const slot = table.find(`C${i}`);
      expect([table.value(slot, 0), table.value(slot, 1)]).toEqual([i, i * 2]);
    }
    expect(table.find('C5000')).toBe(-1);
  });
});
