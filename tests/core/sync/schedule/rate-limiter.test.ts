import { describe, expect, it } from 'vitest';
import { KeyedLimiter, TokenBucket, type Clock } from '../../../../src/core/sync/schedule';

/** A clock that only moves when told to, and runs due timers in order. */
function manualClock() {
  let now = 0;
  let timers: Array<{ at: number; callback: () => void; id: number }> = [];
  let nextId = 0;
  const clock: Clock & { advance(ms: number): Promise<void>; pending(): number } = {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.push({ at: now + ms, callback, id });
      return id;
    },
    clearTimeout(handle) {
      timers = timers.filter((t) => t.id !== handle);
    },
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > end) break;
        timers.shift();
        now = next.at;
        next.callback();
        await Promise.resolve();
      }
      now = end;
      await Promise.resolve();
    },
    pending: () => timers.length,
  };
  return clock;
}

describe('TokenBucket', () => {
  it('lets requests through at the configured rate, in order, with one timer while waiting', async () => {
    const clock = manualClock();
    const bucket = new TokenBucket(4, 1, clock);
    const passed: Array<[number, number]> = [];
    for (let i = 0; i < 10; i++) void bucket.take().then(() => passed.push([i, clock.now()]));
    await Promise.resolve();
    expect(passed).toEqual([[0, 0]]);
    expect(clock.pending()).toBe(1);
    await clock.advance(1000);
    expect(passed.map(([i]) => i)).toEqual([0, 1, 2, 3, 4]);
    expect(passed.map(([, t]) => t)).toEqual([0, 250, 500, 750, 1000]);
    await clock.advance(2000);
    expect(passed).toHaveLength(10);
    expect(clock.pending()).toBe(0); // idle: no timer left
  });

  it('drops a waiter whose signal aborts, and rejects all on close', async () => {
    const clock = manualClock();
    const bucket = new TokenBucket(1, 1, clock);
    await bucket.take();
    const controller = new AbortController();
    const aborted = bucket.take(controller.signal);
    const closed = bucket.take();
    controller.abort();
    await expect(aborted).rejects.toThrow(/cancelled/);
    bucket.close();
    await expect(closed).rejects.toThrow(/cancelled/);
    expect(clock.pending()).toBe(0);
  });
});

describe('TokenBucket.setRate (settings changed while running)', () => {
  it('times a queued waiter again at the new rate, keeping what accrued at the old one', async () => {
    const clock = manualClock();
    const bucket = new TokenBucket(1 / 60, 1, clock); // one a minute
    const passed: number[] = [];
    await bucket.take();
    void bucket.take().then(() => passed.push(clock.now()));
    void bucket.take().then(() => passed.push(clock.now()));
    await clock.advance(30_000); // half a token accrued at the old rate
    expect(passed).toEqual([]);
    bucket.setRate(10); // 600 a minute: the half token left needs 50 ms
    expect(bucket.rate).toBe(10);
    await clock.advance(50);
    expect(passed).toEqual([30_050]);
    await clock.advance(100);
    expect(passed).toEqual([30_050, 30_150]);
    expect(clock.pending()).toBe(0);
  });

  it('slows the queue down just as well, and refuses a rate of zero', async () => {
    const clock = manualClock();
    const bucket = new TokenBucket(10, 1, clock);
    await bucket.take();
    const passed: number[] = [];
    void bucket.take().then(() => passed.push(clock.now()));
    bucket.setRate(1);
    await clock.advance(999);
    expect(passed).toEqual([]);
    await clock.advance(1);
    expect(passed).toEqual([1000]);
    expect(() => bucket.setRate(0)).toThrow(/above zero/);
  });
});

describe('KeyedLimiter', () => {
  it('keeps at most `limit` holders per key and hands slots over in order', async () => {
    const limiter = new KeyedLimiter(2);
    const a1 = await limiter.acquire('a');
    const a2 = await limiter.acquire('a');
    const b1 = await limiter.acquire('b');
    let third = false;
    const a3 = limiter.acquire('a').then((release) => {
      third = true;
      return release;
    });
    await Promise.resolve();
    expect(third).toBe(false);
    expect(limiter.inFlight('a')).toBe(2);
    a1();
    a1(); // a second release is harmless
    const release3 = await a3;
    expect(third).toBe(true);
    expect(limiter.inFlight('a')).toBe(2);
    a2();
    release3();
    b1();
    expect(limiter.inFlight('a')).toBe(0);
    expect(limiter.inFlight('b')).toBe(0);
  });
});
