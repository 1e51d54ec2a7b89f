import { describe, expect, it } from 'vitest';
import { BADGE_COLORS, accountBadges, fallbackBadge } from '../../../src/renderer/src/lib/account-badges';

/** WCAG 2 contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const n = parseInt(hex.slice(1), 16);
    const [r, g, bl] = [n >> 16, (n >> 8) & 255, n & 255].map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('account badges', () => {
  it('tells apart two accounts that start with the same letter', () => {
    const badges = accountBadges([{ email: 'studio@example.com' }, { email: 'sketches@example.com' }]);
    const studio = badges.get('studio@example.com')!;
    const sketches = badges.get('sketches@example.com')!;
    expect(studio.initials).toBe('ST');
    expect(sketches.initials).toBe('SK');
    expect(studio.color).not.toBe(sketches.color);
  });

  it('uses the words of a label, and a digit when the letters run out', () => {
    const badges = accountBadges([
      { email: 'a@x.io', label: 'Main Studio' },
      { email: 'b@x.io', label: 'Main Studio' },
      { email: 's@x.io' },
      { email: 's@y.io' },
    ]);
    expect(badges.get('a@x.io')?.initials).toBe('MS');
    expect(badges.get('b@x.io')?.initials).toBe('MA');
    expect(badges.get('s@x.io')?.initials).toBe('S');
    expect(badges.get('s@y.io')?.initials).toBe('S2');
    expect(badges.get('a@x.io')?.name).toBe('Main Studio (a@x.io)');
  });

  it('colours carry white text at WCAG AA', () => {
    for (const color of BADGE_COLORS) expect(contrast(color, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(BADGE_COLORS).toContain(fallbackBadge('elsewhere@example.com').color);
  });
});
