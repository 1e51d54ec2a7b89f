// Checkpoints the index's write-ahead log from a worker thread with a connection of its own, so that
// the writer's commits never wait for the WAL to be copied into the database file and synced. With
// SQLite's automatic checkpoint, the commit that crosses 1,000 pages does that copy and its fsync
// inline: about a quarter of bulk ingest time, and a stall on whatever thread writes (in the app, the
// main process). A PASSIVE checkpoint never blocks the writer or readers.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import { bindingOptions } from '../native/binding';

/** How often the worker looks for frames to copy when nobody nudges it. */
const IDLE_INTERVAL_MS = 1000;
/** The writer checkpoints itself past this many unsynced frames (~256 MB): a bound, should the worker fall behind. */
const BACKSTOP_FRAMES = 65_536;
/** SQLite's own default, restored when the worker cannot run. */
const AUTOCHECKPOINT_PAGES = 1000;
/** How long `stop` waits for the worker to close its connection. */
const STOP_TIMEOUT_MS = 10_000;

// Control words shared with the worker.
const WAKES = 0; // bumped by every nudge and by stop: the worker sleeps on it, so no wake-up is lost
const STOP = 1; // 1: the owner asks the worker to stop
const STOPPED = 2; // 1: the worker has closed its connection
const LOG_FRAMES = 3; // the WAL's frames at the worker's last checkpoint
const COPIED_FRAMES = 4; // of which copied into the database
const FAILED = 5; // 1: the worker could not open the database or checkpoint
const CONTROL_WORDS = 6;

// Plain JS evaluated in the worker: no build step, and it runs the same under tsx, vitest and Electron.
// It sleeps on the WAKES word with the count it last saw: a nudge or a stop made since wakes it at once.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const control = new Int32Array(workerData.control);
let db = null;
try {
  const Database = require(workerData.sqlitePath);
  db = new Database(workerData.file, { fileMustExist: true, ...workerData.binding });
  db.pragma('busy_timeout = 1000');
  while (Atomics.load(control, ${STOP}) === 0) {
    const seen = Atomics.load(control, ${WAKES});
    try {
      const [result] = db.pragma('wal_checkpoint(PASSIVE)');
      Atomics.store(control, ${LOG_FRAMES}, result.log);
      Atomics.store(control, ${COPIED_FRAMES}, result.checkpointed);
    } catch (error) {
      // Another connection is checkpointing (the writer's backstop, the last close): next time.
      if (!/^SQLITE_(BUSY|LOCKED)/.test(error && error.code)) throw error;
    }
    Atomics.wait(control, ${WAKES}, seen, workerData.intervalMs);
  }
} catch (error) {
  Atomics.store(control, ${FAILED}, 1);
}
try { if (db) db.close(); } catch {}
Atomics.store(control, ${STOPPED}, 1);
Atomics.notify(control, ${STOPPED});
`;

export class WalCheckpointer {
  private readonly control = new Int32Array(
    new SharedArrayBuffer(CONTROL_WORDS * Int32Array.BYTES_PER_ELEMENT),
  );
  private readonly worker: Worker;
  private stopped = false;

  /** Takes over checkpointing for `db`, a connection to a database file in WAL mode. */
  constructor(
    private readonly db: Database,
    intervalMs = IDLE_INTERVAL_MS,
  ) {
    const sqlitePath = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        control: this.control.buffer,
        sqlitePath,
        binding: bindingOptions(),
        file: db.name,
        intervalMs,
      },
    });
    // The worker never keeps the process alive; the owner's stop() or the process's end ends it.
    this.worker.unref();
    this.worker.on('error', () => this.fallBack());
    this.worker.on('exit', () => this.fallBack());
    db.pragma('wal_autocheckpoint = 0');
  }

  /** Wakes the worker now (after a large write), instead of at its next idle look. */
  nudge(): void {
    if (this.stopped) return;
    this.wake();
    // The worker reports what the WAL held at its last pass: far behind, the writer copies too.
    const behind = Atomics.load(this.control, LOG_FRAMES) - Atomics.load(this.control, COPIED_FRAMES);
    if (behind > BACKSTOP_FRAMES) this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /** Stops the worker and waits until its connection is closed; the writer checkpoints itself again. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    Atomics.store(this.control, STOP, 1);
    this.wake();
    Atomics.wait(this.control, STOPPED, 0, STOP_TIMEOUT_MS);
    void this.worker.terminate();
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  }

  /** Whether the worker ever failed to open the database or to checkpoint (tests, diagnostics). */
  get failed(): boolean {
    return Atomics.load(this.control, FAILED) === 1;
  }

  private wake(): void {
    Atomics.add(this.control, WAKES, 1);
    Atomics.notify(this.control, WAKES);
  }

  /** The worker ended on its own (it could not run): SQLite's automatic checkpoint takes over again. */
  private fallBack(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  }
}
