// works.id is the work's creation time in ms times 1024 plus a tie-breaker: rowid order is time
// order, so "newest first" needs no extra index and the text index walks in time order too. Stays
// below 2^53 until the year 2255, so the key is a safe JS number.
import type { Database, Statement } from 'better-sqlite3';

export const KEY_SLOTS = 1024;

export class WorkKeys {
  private readonly highestInSlot: Statement<[number, number], { id: number | null }>;

  constructor(db: Database) {
    this.highestInSlot = db.prepare('SELECT max(id) AS id FROM works WHERE id >= ? AND id < ?');
  }

  /** A free key for a work created at `createdAt` ms. */
  next(createdAt: number): number {
    const ms = Math.max(0, Math.floor(createdAt));
    let base = ms * KEY_SLOTS;
    // Over 1024 works in one millisecond: borrow the next millisecond rather than fail.
    for (;;) {
      const highest = this.highestInSlot.get(base, base + KEY_SLOTS)?.id ?? null;
      if (highest === null) return base;
      if (highest + 1 < base + KEY_SLOTS) return highest + 1;
      base += KEY_SLOTS;
    }
  }
}

export const createdAtOfKey = (key: number) => Math.floor(key / KEY_SLOTS);
