// When to ask about a task again. Pure functions of the task's age, the service's ETA fields and a
// random source, so that every rule can be tested with fixed numbers.
import { DEFAULT_GIVE_UP_AFTER_HOURS } from '../../settings/schema';
import { remainingFromEta } from '../../../shared/useapi/eta';
import type { EtaFacts } from '../../../shared/useapi/eta';

// Read once in shared/useapi: the task list shows the same remaining time that spaces the polls.
export { remainingFromEta };
export type { EtaFacts };

export interface PollPolicy {
  /** The first poll after a task is added. */
  firstPollMs: number;
  /**
   * Shortest gap between two polls of a task still running: the settings' "seconds between two
   * looks" (polling.intervalSeconds). A floor, never undercut (not by an ETA, not by the jitter).
   */
  minIntervalMs: number;
  /** Longest such gap; a `minIntervalMs` above it wins (the user asked for fewer looks). */
  maxIntervalMs: number;
  /** ± fraction of random spread, so that many tasks added together do not poll together. */
  jitter: number;
  /** Backoff after transport failures (429 without Retry-After, 5xx, network, malformed). */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** 404s are retried this many times, spread over `notFoundWindowMs`, then the task is "not found". */
  notFoundRetries: number;
  notFoundWindowMs: number;
  /**
   * Non-final tasks older than this stop being polled (the user can retry them): the settings'
   * polling.giveUpAfterHours. The age is counted on the service's clock (see task-age.ts).
   */
  staleAfterMs: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = {
  firstPollMs: 2_000,
  minIntervalMs: 5_000,
  maxIntervalMs: 120_000,
  jitter: 0.15,
  backoffBaseMs: 5_000,
  backoffCapMs: 300_000,
  notFoundRetries: 4,
  notFoundWindowMs: 4 * 60_000,
  staleAfterMs: DEFAULT_GIVE_UP_AFTER_HOURS * 60 * 60_000,
};

export type Random = () => number;

/** `ms` spread by ±`fraction`, never below zero. */
export function withJitter(ms: number, fraction: number, random: Random = Math.random): number {
  return Math.max(0, Math.round(ms * (1 + (random() * 2 - 1) * fraction)));
}

/**
 * The gap before the next poll of a task still running. The user's interval (`minIntervalMs`) is the
 * shortest gap; the adaptive rules only ever lengthen it: with a believable ETA, shortly after it;
 * without, a gap growing with the task's age (a video that has taken 20 minutes will not finish in
 * the next 5 seconds); both capped by `maxIntervalMs` (or the interval itself, when longer). An ETA
 * sooner than the interval does not bring the next look forward: the interval is what the user
 * allows us to spend on one task, and the rate limit is shared by all of them.
 */
export function nextPollDelay(
  input: { ageMs: number; eta?: EtaFacts },
  policy: PollPolicy = DEFAULT_POLL_POLICY,
  random: Random = Math.random,
): number {
  const floor = policy.minIntervalMs;
  const ceiling = Math.max(policy.maxIntervalMs, floor);
  const remaining = input.eta ? remainingFromEta(input.eta) : null;
  let delay: number;
  if (remaining !== null) {
    delay = remaining + 1_000;
  } else {
    // ~10% of the age so far: 5 s for a young task, 60 s after 10 minutes, the cap after 20.
    delay = input.ageMs * 0.1;
  }
  delay = Math.min(ceiling, Math.max(floor, delay));
  const spread = withJitter(delay, policy.jitter, random);
  // The jitter spreads tasks apart, but never below the floor: a spread under it is folded above it.
  return spread < floor ? 2 * floor - spread : spread;
}

/** Exponential backoff for the `attempt`-th consecutive failure (1-based), capped, with jitter. */
export function backoffDelay(
  attempt: number,
  policy: PollPolicy = DEFAULT_POLL_POLICY,
  random: Random = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const delay = Math.min(policy.backoffCapMs, policy.backoffBaseMs * 2 ** exponent);
  return withJitter(delay, policy.jitter, random);
}

/** The wait the service asked for (Retry-After), or our backoff when it did not say. */
export function rateLimitDelay(
  retryAfterMs: number | undefined | null,
  attempt: number,
  policy: PollPolicy = DEFAULT_POLL_POLICY,
  random: Random = Math.random,
): number {
  if (typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    // Honour it, but never hammer (0) and never sleep for a day on a wrong header.
    return Math.min(Math.max(retryAfterMs, 1_000), 60 * 60_000);
  }
  return backoffDelay(attempt, policy, random);
}

/** After the `count`-th consecutive 404: the next try, or null when the task is to be called not found. */
export function notFoundRetryDelay(count: number, policy: PollPolicy = DEFAULT_POLL_POLICY): number | null {
  if (count > policy.notFoundRetries) return null;
  // Spread the tries evenly-ish over the window: 1/4, 1/4, ... of it.
  return Math.round(policy.notFoundWindowMs / policy.notFoundRetries);
}

/** True when a non-final task is too old to keep polling. */
export function isStale(createdAt: number, now: number, policy: PollPolicy = DEFAULT_POLL_POLICY): boolean {
  return now - createdAt > policy.staleAfterMs;
}
