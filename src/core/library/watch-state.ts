// The watcher's per-account memory (table watch_state, migration 9): when the account was last
// checked and with what outcome, where an interrupted catch-up resumes, and the works archived today.
import type { Database, Statement } from 'better-sqlite3';

export interface WatchStateRow {
  lastCheckedAt: number | null;
  lastError: string | null;
  /** Set while a catch-up walk is unfinished: it resumes with tasks created before this (ms). */
  resumeBefore: number | null;
  arrivalsDay: string | null;
  arrivals: number;
}

const EMPTY: WatchStateRow = {
  lastCheckedAt: null,
  lastError: null,
  resumeBefore: null,
  arrivalsDay: null,
  arrivals: 0,
};

type Raw = {
  last_checked_at: number | null;
  last_error: string | null;
  resume_before: number | null;
  arrivals_day: string | null;
  arrivals: number;
};

export class WatchStateStore {
  private readonly read: Statement<[string], Raw>;
  private readonly ensure: Statement<[string]>;
  private readonly setChecked: Statement<[number, string | null, string]>;
  private readonly setResume: Statement<[number | null, string]>;
  private readonly addArrival: Statement<{ day: string; count: number; email: string }>;

  constructor(db: Database) {
    const account = '(SELECT id FROM accounts WHERE email = ?)';
    this.read = db.prepare(`SELECT last_checked_at, last_error, resume_before, arrivals_day, arrivals
      FROM watch_state WHERE account_id = ${account}`);
    this.ensure = db.prepare(`INSERT OR IGNORE INTO watch_state(account_id)
      SELECT id FROM accounts WHERE email = ?`);
    this.setChecked = db.prepare(
      `UPDATE watch_state SET last_checked_at = ?, last_error = ? WHERE account_id = ${account}`,
    );
    this.setResume = db.prepare(`UPDATE watch_state SET resume_before = ? WHERE account_id = ${account}`);
    this.addArrival = db.prepare(`UPDATE watch_state SET
        arrivals = CASE WHEN arrivals_day = :day THEN arrivals + :count ELSE :count END,
        arrivals_day = :day
      WHERE account_id = (SELECT id FROM accounts WHERE email = :email)`);
  }

  get(email: string): WatchStateRow {
    const raw = this.read.get(email);
    if (!raw) return { ...EMPTY };
    return {
      lastCheckedAt: raw.last_checked_at,
      lastError: raw.last_error,
      resumeBefore: raw.resume_before,
      arrivalsDay: raw.arrivals_day,
      arrivals: raw.arrivals,
    };
  }

  /** The works archived for the account on `day` (a local YYYY-MM-DD). */
  arrivalsOn(email: string, day: string): number {
    const row = this.get(email);
    return row.arrivalsDay === day ? row.arrivals : 0;
  }

  recordChecked(email: string, at: number, error: string | null): void {
    this.ensure.run(email);
    this.setChecked.run(at, error, email);
  }

  /** Where an unfinished catch-up resumes (null: nothing to resume). */
  recordResume(email: string, before: number | null): void {
    this.ensure.run(email);
    this.setResume.run(before, email);
  }

  recordArrivals(email: string, day: string, count: number): void {
    this.ensure.run(email);
    this.addArrival.run({ day, count, email });
  }
}
