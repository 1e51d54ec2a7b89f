// A token bucket for a request rate (the engine keeps one per account) and a per-key in-flight limit. Waiting costs nothing:
// one timer for the whole queue, no polling loop, no busy wait.

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class AbortedWaitError extends Error {
  constructor() {
    super('The wait was cancelled');
    this.name = 'AbortError';
  }
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
  signal?: AbortSignal | undefined;
  onAbort?: () => void;
}

/** `ratePerSecond` requests per second on average, at most `burst` at once after a quiet spell. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly waiters: Waiter[] = [];
  private timer: unknown = null;

  constructor(
    private ratePerSecond: number,
    private readonly burst = 1,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(ratePerSecond > 0)) throw new Error('the request rate must be above zero');
    this.tokens = burst;
    this.last = clock.now();
  }

  get rate(): number {
    return this.ratePerSecond;
  }

  /**
   * Changes the rate from now on (settings changed): what accrued so far at the old rate is kept,
   * and a waiter already queued is timed again at the new rate.
   */
  setRate(ratePerSecond: number): void {
    if (!(ratePerSecond > 0)) throw new Error('the request rate must be above zero');
    if (ratePerSecond === this.ratePerSecond) return;
    this.refill();
    this.ratePerSecond = ratePerSecond;
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
    this.drain();
  }

  /** Resolves when one request may go; in arrival order. */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new AbortedWaitError());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(new AbortedWaitError());
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.drain();
    });
  }

  get waiting(): number {
    return this.waiters.length;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
    this.last = now;
  }

  private drain(): void {
    if (this.timer !== null) return; // the pending timer will drain
    this.refill();
    while (this.waiters.length > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      const waiter = this.waiters.shift() as Waiter;
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    if (this.waiters.length > 0) {
      const wait = Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond));
      this.timer = this.clock.setTimeout(() => {
        this.timer = null;
        this.drain();
      }, wait);
    }
  }

  /** Rejects every waiter (shutdown). */
  close(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    for (const waiter of this.waiters.splice(0)) {
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(new AbortedWaitError());
    }
  }
}

/** At most `limit` holders per key (an account's requests in flight). */
export class KeyedLimiter {
  private readonly active = new Map<string, number>();
  private readonly queues = new Map<string, Array<() => void>>();

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new Error('the in-flight limit must be at least 1');
  }

  /** Resolves with a release function once the key has a free slot. */
  async acquire(key: string): Promise<() => void> {
    const count = this.active.get(key) ?? 0;
    if (count < this.limit) {
      this.active.set(key, count + 1);
    } else {
      await new Promise<void>((resolve) => {
        const queue = this.queues.get(key) ?? [];
        queue.push(resolve);
        this.queues.set(key, queue);
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queues.get(key)?.shift();
      if (next) {
        next(); // the slot passes straight to the next holder
      } else {
        const left = (this.active.get(key) ?? 1) - 1;
        if (left <= 0) this.active.delete(key);
        else this.active.set(key, left);
      }
    };
  }

  inFlight(key: string): number {
    return this.active.get(key) ?? 0;
  }
}
