// A manual clock for the watcher: time moves only when a test says so, and due timers fire in order.
import type { WatchTimers } from '../../../src/core/sync';

interface Pending {
  id: number;
  at: number;
  callback: () => void;
}

export class ManualTimers implements WatchTimers {
  private time: number;
  private nextId = 1;
  private pending: Pending[] = [];

  constructor(start = Date.now()) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(callback: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, ms), callback };
    this.pending.push(timer);
    return timer.id;
  }

  clearTimer(handle: unknown): void {
    this.pending = this.pending.filter((timer) => timer.id !== handle);
  }

  /** When the earliest timer is due (null: none). */
  nextAt(): number | null {
    return this.pending.reduce<number | null>((min, t) => (min === null || t.at < min ? t.at : min), null);
  }

  /** Moves the clock on by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (let fired = 0; ; fired++) {
      // Timers that keep setting themselves for "now" would spin here forever: a bug to show.
      if (fired > 100_000) throw new Error('timers keep firing without time passing');
      const due = this.pending.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.pending = this.pending.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = end;
  }
}
