import { describe, expect, it } from 'vitest';
import { maskToken, redactToken } from '../../../src/core/useapi';

describe('maskToken', () => {
  it('shows only the first and last four characters of a real-sized token', () => {
    const masked = maskToken('user:12345-abcdefghijkWXYZ');
    expect(masked).toBe('user…WXYZ');
    expect(masked).not.toContain('12345');
  });

  it('hides a short token entirely', () => {
    expect(maskToken('abc')).toBe('••••');
    expect(maskToken('user:1-abcd')).toBe('••••');
  });
});

describe('redactToken', () => {
  it('replaces every occurrence', () => {
    const token = 'user:999-SECRETSECRET';
    expect(redactToken(`bad ${token}, again ${token}`, token)).toBe('bad user…CRET, again user…CRET');
  });

  it('leaves text without the token alone', () => {
    expect(redactToken('Task not found', 'user:999-SECRETSECRET')).toBe('Task not found');
    expect(redactToken('Task not found', '')).toBe('Task not found');
  });
});
