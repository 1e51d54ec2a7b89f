// The time left before the ETA useapi.net announced, as the Tasks view says it.
import { describe, expect, it } from 'vitest';
import { etaText } from '../../../src/renderer/src/lib/task-status';

describe('etaText', () => {
  const now = 1_800_000_000_000;
  it('rounds the time left up to whole minutes', () => {
    expect(etaText(now + 110_000, now)).toBe('about 2 min left');
    expect(etaText(now + 120_000, now)).toBe('about 2 min left');
    expect(etaText(now + 121_000, now)).toBe('about 3 min left');
    expect(etaText(now + 1_000, now)).toBe('about 1 min left');
  });
  it('says hours past an hour', () => {
    expect(etaText(now + 60 * 60_000, now)).toBe('about 1 h left');
    expect(etaText(now + 95 * 60_000, now)).toBe('about 1 h 35 min left');
  });
  it('says "any moment now" once the ETA has passed', () => {
    expect(etaText(now, now)).toBe('any moment now');
    expect(etaText(now - 30_000, now)).toBe('any moment now');
  });
});
