import { describe, expect, it } from 'vitest';
import { maskToken, redactToken } from '../../../src/core/useapi';

describe('maskToken (shared with core/settings)', () => {
  it('keeps only a hint of a real-sized token', () => {
    const masked = maskToken('user:12345-abcdefghijkWXYZ');
    expect(masked).not.toContain('abcdefghijk');
    expect(masked.endsWith('WXYZ')).toBe(true);
  });
});

describe('redactToken', () => {
  const token = 'user:999-SECRETSECRET';

  it('replaces every occurrence by the masked form', () => {
    const masked = maskToken(token);
    expect(redactToken(`bad ${token}, again ${token}`, token)).toBe(`bad ${masked}, again ${masked}`);
  });

  it('also scrubs other token-shaped text and Bearer values', () => {
    const out = redactToken('other user:1234-AnotherToken9 and Bearer abc.def', token);
    expect(out).not.toContain('AnotherToken9');
    expect(out).not.toContain('abc.def');
  });

  it('leaves text without a token alone', () => {
    expect(redactToken('Task not found', token)).toBe('Task not found');
    expect(redactToken('Task not found', '')).toBe('Task not found');
  });
});
