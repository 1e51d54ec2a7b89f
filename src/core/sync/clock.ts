// The engine's clock and timers, injected once and passed to every part: the real ones in the app,
// a manual one in tests, so that a test can move time on by an hour and see what happened (or that
// nothing did) without waiting for it.
import { systemClock as monotonicClock, type Clock as BucketClock } from './schedule';

export interface EngineClock {
  /** Wall-clock time in ms (the times stored in the library). */
  now(): number;
  /** Calls `callback` once after `ms`; the handle is for clearTimer. */
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** Node's timers take at most this many ms; longer waits are cut to it and re-planned when they fire. */
export const MAX_TIMER_MS = 2_147_483_647;

export const systemClock: EngineClock = {
  now: () => Date.now(),
  setTimer: (callback, ms) => setTimeout(callback, Math.min(MAX_TIMER_MS, Math.max(0, ms))),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * The clock the request budgets run on. The real one keeps the buckets' own (monotonic time, timers
 * that do not hold the process open); an injected clock drives them too.
 */
export function bucketClockOf(clock: EngineClock): BucketClock {
  if (clock === systemClock) return monotonicClock;
  return {
    now: () => clock.now(),
    setTimeout: (callback, ms) => clock.setTimer(callback, ms),
    clearTimeout: (handle) => clock.clearTimer(handle),
  };
}

/** Resolves after `ms` on the clock, or at once when the signal fires; the timer is cleared either way. */
export function clockDelay(clock: EngineClock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clock.clearTimer(handle);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const handle = clock.setTimer(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
