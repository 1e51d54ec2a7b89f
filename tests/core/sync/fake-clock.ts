// A manual clock for the engine (the seam in src/core/sync/clock.ts): fake time moves only when a
// test says so. The engine's I/O is real (loopback HTTP, files), so running it on this clock means
// letting the event loop turn for that I/O and moving fake time on to the next timer in between.
import type { EngineClock } from '../../../src/core/sync/clock';
import { ManualTimers } from './manual-timers';

/** A few turns of the event loop: promise chains and I/O callbacks already due run, no time passes. */
export async function turns(count = 5): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

export class FakeClock extends ManualTimers implements EngineClock {
  /**
   * Runs until `condition` holds: the event loop turns for the real I/O, and whenever a timer is set,
   * fake time jumps to it. Fails after `realLimitMs` of real time (a condition that never comes).
   */
  async runUntil(condition: () => boolean, what: string, realLimitMs = 15_000): Promise<void> {
    const deadline = performance.now() + realLimitMs;
    while (!condition()) {
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      // Loopback HTTP needs real turns of the loop (a socket's data arrives between them).
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (condition()) return; // before time moves on: what the I/O brought is seen as it was
      const next = this.nextAt();
      if (next !== null) this.advance(Math.max(0, next - this.now()));
    }
  }

  /** Resolves with the promise's value, running the clock (see runUntil) until it settles. */
  async run<T>(promise: Promise<T>, what: string): Promise<T> {
    let settled = false;
    const tracked = promise.finally(() => (settled = true));
    await this.runUntil(() => settled, what);
    return tracked;
  }

  /** Moves fake time on by `ms` (firing what falls due) and lets what that started reach its I/O. */
  async advanceBy(ms: number): Promise<void> {
    this.advance(ms);
    await turns();
  }
}
