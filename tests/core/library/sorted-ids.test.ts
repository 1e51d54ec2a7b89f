import { describe, expect, it } from 'vitest';
import { includes, isAscending, replaceMembers } from '../../../src/core/library/sorted-ids';
import { random } from './fixtures/snapshots';

// Ids as the library makes them: large, exact (above 2^32, below 2^53).
const BASE = 1_775_000_000_000 * 1024;
const sorted = (values: Iterable<number>) => Float64Array.from(new Set(values)).sort();

describe('sorted id sets', () => {
  it('finds exactly the members, at both ends and between', () => {
    const ids = sorted([BASE + 3, BASE + 10, BASE + 11, BASE + 500]);
    for (const id of ids) expect(includes(ids, id)).toBe(true);
    for (const id of [BASE, BASE + 4, BASE + 12, BASE + 501, 0]) expect(includes(ids, id)).toBe(false);
    expect(includes(new Float64Array(0), BASE)).toBe(false);
    expect(isAscending(ids)).toBe(true);
    expect(isAscending(Float64Array.of(BASE + 2, BASE + 1))).toBe(false);
  });

  it('replaces members as a set difference and union would, whatever the overlap', () => {
    const rand = random(11);
    const pick = (count: number, span: number) =>
      Array.from({ length: count }, () => BASE + Math.floor(rand() * span));
    for (let round = 0; round < 200; round += 1) {
      const span = 10 + Math.floor(rand() * 5000);
      const ids = sorted(pick(Math.floor(rand() * 400), span));
      // Removed: some members, some strangers; added: mostly among the removed (a re-matched work),
      // a few new, and a few repeated or already members.
      const removed = [...pick(Math.floor(rand() * 30), span), ...[...ids].filter(() => rand() < 0.05)];
      const added = [
        ...removed.filter(() => rand() < 0.5),
        ...pick(Math.floor(rand() * 10), span),
        ...[...ids].filter(() => rand() < 0.02),
      ];
      if (added.length > 0 && rand() < 0.3) added.push(added[0] as number);
      const expected = new Set(ids);
      for (const id of removed) expected.delete(id);
      for (const id of added) expected.add(id);
      const result = replaceMembers(ids, Float64Array.from(removed), Float64Array.from(added));
      expect([...result]).toEqual([...sorted(expected)]);
    }
  });

  it('handles empty inputs and leaves the original array untouched', () => {
    const ids = sorted([BASE + 1, BASE + 2]);
    expect([...replaceMembers(ids, new Float64Array(0), new Float64Array(0))]).toEqual([...ids]);
    expect([
      ...replaceMembers(new Float64Array(0), Float64Array.of(BASE), Float64Array.of(BASE + 9)),
    ]).toEqual([BASE + 9]);
    replaceMembers(ids, Float64Array.of(BASE + 1), Float64Array.of(BASE + 5));
    expect([...ids]).toEqual([BASE + 1, BASE + 2]);
  });
});
