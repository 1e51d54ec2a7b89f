import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLL_POLICY as P,
  backoffDelay,
  isStale,
  nextPollDelay,
  notFoundRetryDelay,
  rateLimitDelay,
  remainingFromEta,
  withJitter,
} from '../../../../src/core/sync/schedule';

const noJitter = () => 0.5; // random() = 0.5 → factor exactly 1

describe('poll policy', () => {
  it('reads ETA fields in seconds, ms or as an absolute time, and ignores nonsense', () => {
    expect(remainingFromEta({ etaTime: 30 })).toBe(30_000);
    expect(remainingFromEta({ etaTime: 1_700_000_060_000, currentTimestamp: 1_700_000_000_000 })).toBe(
      60_000,
    );
    expect(remainingFromEta({ etaTime: 1_700_000_060_000 })).toBeNull(); // absolute, no service clock
    expect(remainingFromEta({ etaTime: -5 })).toBeNull();
    expect(remainingFromEta({ etaTime: 1e9 / 10 })).toBeNull(); // > 6 h
    expect(remainingFromEta({ queuingEtaTime: 12 })).toBe(12_000);
  });

  it('polls just after a believable ETA, clamped to the bounds', () => {
    expect(nextPollDelay({ ageMs: 0, eta: { etaTime: 30 } }, P, noJitter)).toBe(31_000);
    expect(nextPollDelay({ ageMs: 0, eta: { etaTime: 1 } }, P, noJitter)).toBe(P.minIntervalMs);
    expect(nextPollDelay({ ageMs: 0, eta: { etaTime: 3600 } }, P, noJitter)).toBe(P.maxIntervalMs);
  });

  it('without an ETA, polls young tasks often and old ones rarely', () => {
    const young = nextPollDelay({ ageMs: 10_000 }, P, noJitter);
    const tenMinutes = nextPollDelay({ ageMs: 10 * 60_000 }, P, noJitter);
    const old = nextPollDelay({ ageMs: 60 * 60_000 }, P, noJitter);
    expect(young).toBe(P.minIntervalMs);
    expect(tenMinutes).toBe(60_000);
    expect(old).toBe(P.maxIntervalMs);
  });

  it("never polls a running task sooner than the user's interval, whatever the ETA or the jitter", () => {
    const policy = { ...P, minIntervalMs: 20_000, jitter: 0.15 };
    // An ETA of 3 s does not bring the next look before the interval.
    expect(nextPollDelay({ ageMs: 0, eta: { etaTime: 3 } }, policy, noJitter)).toBe(20_000);
    // A later ETA, and the age rule, lengthen it.
    expect(nextPollDelay({ ageMs: 0, eta: { etaTime: 45 } }, policy, noJitter)).toBe(46_000);
    expect(nextPollDelay({ ageMs: 10 * 60_000 }, policy, noJitter)).toBe(60_000);
    // The jitter spreads above the floor only: folded back, still spread.
    expect(nextPollDelay({ ageMs: 0 }, policy, () => 0)).toBe(23_000);
    expect(nextPollDelay({ ageMs: 0 }, policy, () => 1)).toBe(23_000);
    expect(nextPollDelay({ ageMs: 0 }, policy, () => 0.25)).toBe(21_500);
    for (let i = 0; i <= 20; i++) {
      const delay = nextPollDelay({ ageMs: 0, eta: { etaTime: 1 } }, policy, () => i / 20);
      expect(delay).toBeGreaterThanOrEqual(20_000);
      expect(delay).toBeLessThanOrEqual(23_000);
    }
  });

  it('an interval above the longest gap wins over it', () => {
    const policy = { ...P, minIntervalMs: 600_000 }; // 10 minutes, above the 2-minute cap
    expect(nextPollDelay({ ageMs: 0 }, policy, noJitter)).toBe(600_000);
    expect(nextPollDelay({ ageMs: 60 * 60_000 }, policy, noJitter)).toBe(600_000);
    expect(nextPollDelay({ ageMs: 0, eta: { etaTime: 3600 } }, policy, noJitter)).toBe(600_000);
  });

  it('spreads delays by the jitter fraction', () => {
    expect(withJitter(10_000, 0.15, () => 0)).toBe(8_500);
    expect(withJitter(10_000, 0.15, () => 1)).toBe(11_500);
  });

  it('backs off exponentially up to the cap, honouring Retry-After first', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, P, noJitter))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(backoffDelay(50, P, noJitter)).toBe(P.backoffCapMs);
    expect(rateLimitDelay(7_000, 3, P, noJitter)).toBe(7_000);
    expect(rateLimitDelay(0, 3, P, noJitter)).toBe(1_000);
    expect(rateLimitDelay(undefined, 2, P, noJitter)).toBe(10_000);
  });

  it('retries a 404 a few times over minutes, then gives up', () => {
    const delays = [1, 2, 3, 4, 5].map((n) => notFoundRetryDelay(n, P));
    expect(delays.slice(0, 4).every((d) => d === 60_000)).toBe(true);
    expect(delays[4]).toBeNull();
  });

  it('calls a task stale after the configured age', () => {
    expect(isStale(0, P.staleAfterMs, P)).toBe(false);
    expect(isStale(0, P.staleAfterMs + 1, P)).toBe(true);
  });
});
