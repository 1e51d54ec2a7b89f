import { describe, expect, it } from 'vitest';
import { KEY_SLOTS, keyAtTime, sqlInteger } from '../../../src/core/library/work-key';

describe('keys bound as SQLite integers', () => {
  it('keeps whole numbers exact, truncates fractions and clamps to the 64-bit range', () => {
    expect(sqlInteger(1_775_684_751_360_000)).toBe(1_775_684_751_360_000n);
    expect(sqlInteger(-5)).toBe(-5n);
    expect(sqlInteger(2.9)).toBe(2n);
    expect(sqlInteger(1e300)).toBe(2n ** 63n - 1n);
    expect(sqlInteger(-Infinity)).toBe(-(2n ** 63n - 1n));
    expect(sqlInteger(Number.NaN)).toBe(0n);
  });

  it('turns a time into the first key of that millisecond, never below zero', () => {
    expect(keyAtTime(1_740_000_000_000)).toBe(1_740_000_000_000n * BigInt(KEY_SLOTS));
    expect(keyAtTime(-1)).toBe(0n);
    expect(keyAtTime(Number.MAX_SAFE_INTEGER)).toBe(BigInt(Number.MAX_SAFE_INTEGER) * BigInt(KEY_SLOTS));
  });
});
