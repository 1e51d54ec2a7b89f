// Version 11: the sync engine's state tables become part of the schema, and why a failed file waits
// becomes a column.
//
// Older versions created `sync_task_state` and `sync_account_pause` on first use (CREATE TABLE IF
// NOT EXISTS in the engine), so a library may have them with rows, or not at all. They are made
// sure to exist in that old shape, then copied into their constrained form: one copy serves both.
// A value outside the closed sets was never written; if one is found anyway, the task is followed
// again (given_up NULL) or the account polled again (pause row left out), which re-pauses it if
// its token is still refused.
//
// `files.hold`: a failed media file whose watermark-free copy was refused ('refused') or could not
// be had ('not_kept'), while the settings do not keep the watermarked copy instead. The engine used
// to recognise these by the start and end of the error text; the texts below are frozen copies of
// what it wrote, used here only, to fill the column once. The error text stays, for people.
import type { Database } from 'better-sqlite3';
import type { Migration } from './types';

const OLD_TABLES = `
  CREATE TABLE IF NOT EXISTS sync_task_state (
    task_id TEXT PRIMARY KEY,
    first_seen_at INTEGER NOT NULL,
    not_found INTEGER NOT NULL DEFAULT 0,
    given_up TEXT
  );
  CREATE TABLE IF NOT EXISTS sync_account_pause (
    email TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    token_hash TEXT NOT NULL
  );
`;

const NEW_TABLES = `
  -- How the engine follows each task it was given (task ids as exact text, like tasks.task_id).
  CREATE TABLE sync_task_state_v11 (
    task_id TEXT PRIMARY KEY,
    -- When the engine first followed it: the stale cutoff of a task without a creation time.
    first_seen_at INTEGER NOT NULL,
    -- 404 answers in a row.
    not_found INTEGER NOT NULL DEFAULT 0 CHECK (not_found >= 0),
    given_up TEXT CHECK (given_up IN ('stale','cancelled'))
  );
  -- Accounts whose token the service refused; a fingerprint of that token, never the token.
  CREATE TABLE sync_account_pause_v11 (
    email TEXT PRIMARY KEY,
    reason TEXT NOT NULL CHECK (reason IN ('unauthorized','payment_required')),
    token_hash TEXT NOT NULL
  );
`;

const CARRY_OVER = `
  INSERT INTO sync_task_state_v11 (task_id, first_seen_at, not_found, given_up)
    SELECT task_id, first_seen_at, max(not_found, 0),
      CASE WHEN given_up IN ('stale','cancelled') THEN given_up END
    FROM sync_task_state;
  INSERT INTO sync_account_pause_v11 (email, reason, token_hash)
    SELECT email, reason, token_hash FROM sync_account_pause
    WHERE reason IN ('unauthorized','payment_required');
  DROP TABLE sync_task_state;
  DROP TABLE sync_account_pause;
  ALTER TABLE sync_task_state_v11 RENAME TO sync_task_state;
  ALTER TABLE sync_account_pause_v11 RENAME TO sync_account_pause;
`;

/** The engine's error texts until version 10 (frozen: src/core/sync may word them differently now). */
const REFUSED_TEXT = 'watermark-free copy refused%';
const NOT_KEPT_TEXT = '%the watermarked copy is not kept, as the settings ask';

function addFileHold(db: Database): void {
  db.exec("ALTER TABLE files ADD COLUMN hold TEXT CHECK (hold IN ('refused','not_kept'))");
  db.prepare(
    `UPDATE files SET hold = CASE WHEN error LIKE @refused THEN 'refused' ELSE 'not_kept' END
    WHERE error LIKE @refused OR error LIKE @notKept`,
  ).run({ refused: REFUSED_TEXT, notKept: NOT_KEPT_TEXT });
}

export const migration011: Migration = {
  version: 11,
  name: 'sync-state',
  up(db) {
    db.exec(OLD_TABLES);
    db.exec(NEW_TABLES);
    db.exec(CARRY_OVER);
    addFileHold(db);
  },
};
