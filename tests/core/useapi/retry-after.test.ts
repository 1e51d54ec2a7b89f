import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/core/useapi';

const now = Date.parse('2025-04-18T10:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
  });

  it('reads an HTTP-date relative to now', () => {
    expect(parseRetryAfter('Fri, 18 Apr 2025 10:00:30 GMT', now)).toBe(30_000);
    // The obsolete RFC 850 form is still allowed by RFC 9110.
    expect(parseRetryAfter('Friday, 18-Apr-25 10:01:00 GMT', now)).toBe(60_000);
  });

  it('never returns a negative wait for a date in the past', () => {
    expect(parseRetryAfter('Fri, 18 Apr 2025 09:00:00 GMT', now)).toBe(0);
  });

  it.each([null, undefined, '', '   ', '-5', 'soon', '1 2', '5s', 'Fri, 99 Foo 2025'])(
    'treats %j as not given',
    (value) => {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    },
  );
});
