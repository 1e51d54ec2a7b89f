import { describe, expect, it } from 'vitest';
import { formatCount } from '../../../src/renderer/src/lib/format';

describe('formatCount', () => {
  it('groups whole numbers in threes with a narrow no-break space', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1\u202f000');
    expect(formatCount(1_000_000)).toBe('1\u202f000\u202f000');
    expect(formatCount(123_456_789)).toBe('123\u202f456\u202f789');
  });

  it('keeps a sign and a fraction as they are', () => {
    expect(formatCount(-12_345)).toBe('-12\u202f345');
    expect(formatCount(1234.5)).toBe('1\u202f234.5');
  });
});
