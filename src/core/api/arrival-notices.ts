// Grouped notices of new works: "5 new works archived for studio@…" once an account's arrivals have
// settled for a moment, instead of one notification per file. Fed by the contract's watch.status
// events (their arrivedToday count), so it works the same behind any adapter.
import type { EventBus } from './event-bus';

export interface NoticeTimers {
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

const realTimers: NoticeTimers = {
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface ArrivalNoticeOptions {
  /** Quiet time after the last arrival before the notice goes (default 10 s). */
  settleMs?: number;
  timers?: NoticeTimers;
}

/** The notice's text for `count` new works of an account. */
export function arrivalNoticeText(email: string, count: number): string {
  return `${count} new ${count === 1 ? 'work' : 'works'} archived for ${email}`;
}

/** Calls `notify` with each account's new works, grouped; answers the function that stops it. */
export function groupArrivals(
  events: Pick<EventBus, 'subscribe'>,
  notify: (email: string, count: number) => void,
  options: ArrivalNoticeOptions = {},
): () => void {
  const timers = options.timers ?? realTimers;
  const settleMs = options.settleMs ?? 10_000;
  const seen = new Map<string, number>();
  const pending = new Map<string, { email: string; count: number; timer: unknown }>();
  const unsubscribe = events.subscribe((event) => {
    if (event.name !== 'watch.status') return;
    const { accountId, email, arrivedToday } = event.payload;
    const before = seen.get(accountId);
    seen.set(accountId, arrivedToday);
    // The first report is the starting point; a smaller count is a new day starting from it.
    if (before === undefined) return;
    const added = arrivedToday >= before ? arrivedToday - before : arrivedToday;
    if (added <= 0) return;
    const group = pending.get(accountId) ?? { email, count: 0, timer: null };
    if (group.timer !== null) timers.clearTimer(group.timer);
    group.count += added;
    group.timer = timers.setTimer(() => {
      pending.delete(accountId);
      notify(group.email, group.count);
    }, settleMs);
    pending.set(accountId, group);
  });
  return () => {
    unsubscribe();
    for (const group of pending.values()) if (group.timer !== null) timers.clearTimer(group.timer);
    pending.clear();
  };
}
