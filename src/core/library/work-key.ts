// works.id is the work's creation time in ms times 1024 plus a tie-breaker: rowid order is time
// order, so "newest first" needs no extra index and the text index walks in time order too. Stays
// below 2^53 until the year 2255, so the key is a safe JS number.
import type { Database, Statement } from 'better-sqlite3';

export const KEY_SLOTS = 1024;

export class WorkKeys {
  private readonly highestInSlot: Statement<[number, number], { id: number | null }>;
  private readonly highest: Statement<[], number | null>;
  /** No key above this is in use (within the batch under way); null: unknown. */
  private ceiling: number | null = null;

  constructor(db: Database) {
    this.highestInSlot = db.prepare('SELECT max(id) AS id FROM works WHERE id >= ? AND id < ?');
    this.highest = db.prepare('SELECT max(id) FROM works').pluck() as Statement<[], number | null>;
  }

  /**
   * Call inside the batch's transaction, before its first `next`: works newer than every stored
   * one (a sync's usual case) then get their key without a query. No other writer can add a work
   * until the transaction ends, when `endBatch` forgets the bound.
   */
  beginBatch(): void {
    this.ceiling = this.highest.get() ?? -1;
  }

  endBatch(): void {
    this.ceiling = null;
  }

  /** A free key for a work created at `createdAt` ms. */
  next(createdAt: number): number {
    const ms = Math.max(0, Math.floor(createdAt));
    let base = ms * KEY_SLOTS;
    if (this.ceiling !== null && base > this.ceiling) return (this.ceiling = base);
    // Over 1024 works in one millisecond: borrow the next millisecond rather than fail.
    for (;;) {
      const highest = this.highestInSlot.get(base, base + KEY_SLOTS)?.id ?? null;
      const key = highest === null ? base : highest + 1 < base + KEY_SLOTS ? highest + 1 : null;
      if (key !== null) {
        if (this.ceiling !== null && key > this.ceiling) this.ceiling = key;
        return key;
      }
      base += KEY_SLOTS;
    }
  }
}

const LARGEST_INT64 = 2n ** 63n - 1n;

/**
 * A key (or any integer compared with one) to bind as an SQLite INTEGER. better-sqlite3 binds every
 * JS number as a REAL, and FTS5 drops a rowid bound that is not an INTEGER: it then walks every match
 * from the newest and leaves the bound to SQLite, so a deep cursor or an old date range would cost as
 * much as all the matches before it. Truncated and clamped to SQLite's integer range.
 */
export function sqlInteger(value: number): bigint {
  if (Number.isNaN(value)) return 0n;
  if (!Number.isFinite(value)) return value > 0 ? LARGEST_INT64 : -LARGEST_INT64;
  const integer = BigInt(Math.trunc(value));
  return integer > LARGEST_INT64 ? LARGEST_INT64 : integer < -LARGEST_INT64 ? -LARGEST_INT64 : integer;
}

/** The first key of works created at or after `ms`, as an SQLite INTEGER. */
export const keyAtTime = (ms: number): bigint => sqlInteger(Math.max(0, Math.trunc(ms)) * KEY_SLOTS);

/**
 * A query's creation-time range as conditions on the time-ordered key (`idColumn`: the works' rowid or
 * FTS5's), so the key's own order does the filtering; `createdTo` is exclusive.
 */
export function pushCreatedRange(
  query: { createdFrom?: number | undefined; createdTo?: number | undefined },
  idColumn: string,
  where: string[],
  params: unknown[],
): void {
  if (query.createdFrom !== undefined) {
    where.push(`${idColumn} >= ?`);
    params.push(keyAtTime(query.createdFrom));
  }
  if (query.createdTo !== undefined) {
    where.push(`${idColumn} < ?`);
    params.push(keyAtTime(query.createdTo));
  }
}
