import { describe, expect, it } from 'vitest';
import { arrivalNoticeText, groupArrivals } from '../../../src/core/api/arrival-notices';
import { createEventBus } from '../../../src/core/api/event-bus';
import { ManualTimers } from '../sync/manual-timers';

const status = (accountId: string, email: string, arrivedToday: number) => ({
  accountId,
  email,
  watching: true,
  checking: false,
  catchingUp: false,
  lastCheckedAt: null,
  nextCheckAt: null,
  lastError: null,
  arrivedToday,
});

describe('groupArrivals', () => {
  it('sends one notice per account once its arrivals settle, counting only the new ones', () => {
    const bus = createEventBus();
    const timers = new ManualTimers();
    const notices: string[] = [];
    const stop = groupArrivals(bus, (email, count) => notices.push(arrivalNoticeText(email, count)), {
      settleMs: 10_000,
      timers,
    });
    bus.emit('watch.status', status('a1', 'studio@example.com', 2)); // the starting point
    for (const n of [3, 4, 5, 6, 7]) {
      bus.emit('watch.status', status('a1', 'studio@example.com', n));
      timers.advance(2_000);
    }
    bus.emit('watch.status', status('a2', 'sketches@example.com', 0));
    bus.emit('watch.status', status('a2', 'sketches@example.com', 1));
    expect(notices).toEqual([]);
    timers.advance(10_000);
    expect(notices.sort()).toEqual([
      '1 new work archived for sketches@example.com',
      '5 new works archived for studio@example.com',
    ]);
    // A new day starts counting again from 0.
    bus.emit('watch.status', status('a2', 'sketches@example.com', 2));
    bus.emit('watch.status', status('a2', 'sketches@example.com', 1));
    timers.advance(10_000);
    expect(notices.at(-1)).toBe('2 new works archived for sketches@example.com');
    stop();
    bus.emit('watch.status', status('a2', 'sketches@example.com', 9));
    timers.advance(10_000);
    expect(notices).toHaveLength(3);
  });
});
