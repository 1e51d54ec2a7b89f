// The user's choices that live only in the index — favorites, removed tasks, task ids added before
// any answer came — also go to a small append-only journal in `.kling-archive/`, so that a rebuild
// from the folder (task.json files) loses none of them. One JSON object a line, ids as exact text.
// Appended after the index committed the change; compacted (rewritten from the index) when it grows.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { journalPath } from './paths';

export type JournalEntry =
  | { op: 'favorite'; workId: string; favorite: boolean }
  | { op: 'remove'; taskId: string; account: string | null; at: number }
  | { op: 'add'; taskId: string; account: string; at: number };

/** What the journal says now: the last word on each work and task. */
export interface JournalState {
  favorites: Map<string, boolean>;
  tasks: Map<string, Extract<JournalEntry, { op: 'remove' | 'add' }>>;
  /** Lines that could not be read (a torn last line after a crash), skipped. */
  unreadable: number;
  lines: number;
}

/** Rewritten from the index once it holds this many more lines than entries it stands for. */
const COMPACT_SLACK_LINES = 2000;
/** Below this size the journal is not even read on opening to see whether it needs compacting. */
const COMPACT_CHECK_BYTES = 256 * 1024;

function isEntry(value: unknown): value is JournalEntry {
  if (value === null || typeof value !== 'object') return false;
  const entry = value as Record<string, unknown>;
  if (entry['op'] === 'favorite')
    return typeof entry['workId'] === 'string' && typeof entry['favorite'] === 'boolean';
  if (entry['op'] === 'remove' || entry['op'] === 'add') {
    return (
      typeof entry['taskId'] === 'string' &&
      typeof entry['at'] === 'number' &&
      (typeof entry['account'] === 'string' || (entry['op'] === 'remove' && entry['account'] === null))
    );
  }
  return false;
}

export function readJournal(root: string): JournalState {
  const state: JournalState = { favorites: new Map(), tasks: new Map(), unreadable: 0, lines: 0 };
  let text: string;
  try {
    text = readFileSync(journalPath(root), 'utf8');
  } catch {
    return state;
  }
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    state.lines += 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = null;
    }
    if (!isEntry(value)) {
      state.unreadable += 1;
      continue;
    }
    if (value.op === 'favorite') state.favorites.set(value.workId, value.favorite);
    else state.tasks.set(value.taskId, value);
  }
  return state;
}

export class LibraryJournal {
  private readonly file: string;

  constructor(private readonly root: string) {
    this.file = journalPath(root);
  }

  append(entry: JournalEntry): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }

  exists(): boolean {
    return existsSync(this.file);
  }

  /** True when the journal has grown well past what it stands for (read only when it is big). */
  needsCompacting(): boolean {
    try {
      if (statSync(this.file).size < COMPACT_CHECK_BYTES) return false;
    } catch {
      return false;
    }
    const state = readJournal(this.root);
    return state.lines > state.favorites.size + state.tasks.size + COMPACT_SLACK_LINES;
  }

  /**
   * Rewrites the journal from the index: its favorites, its removed tasks, and the tasks added that
   * no answer has described yet (a task.json describes the others). Atomic: a crash keeps the old one.
   */
  compactFrom(db: Database, now: number): void {
    const lines: string[] = [];
    const push = (entry: JournalEntry) => lines.push(JSON.stringify(entry));
    for (const workId of db
      .prepare('SELECT work_id FROM works WHERE favorite = 1 ORDER BY id')
      .pluck()
      .all()) {
      push({ op: 'favorite', workId: String(workId), favorite: true });
    }
    // Works the user unmarked stay unmarked, even where their task.json says the service favored them.
    const unmarked = db
      .prepare<[string], number>('SELECT 1 FROM works WHERE work_id = ? AND favorite = 0')
      .pluck();
    for (const [workId, favorite] of readJournal(this.root).favorites) {
      if (!favorite && unmarked.get(workId) !== undefined) push({ op: 'favorite', workId, favorite: false });
    }
    const removed = db
      .prepare<[], { task_id: string; email: string | null; removed_at: number }>(
        `SELECT r.task_id, a.email, r.removed_at FROM removed_tasks r
         LEFT JOIN accounts a ON a.id = r.account_id ORDER BY r.removed_at`,
      )
      .all();
    for (const row of removed)
      push({ op: 'remove', taskId: row.task_id, account: row.email, at: row.removed_at });
    const pending = db
      .prepare<[], { task_id: string; email: string }>(
        `SELECT t.task_id, a.email FROM tasks t JOIN accounts a ON a.id = t.account_id
         WHERE NOT EXISTS (SELECT 1 FROM task_snapshots s WHERE s.task_id = t.id) ORDER BY t.id`,
      )
      .all();
    for (const row of pending) push({ op: 'add', taskId: row.task_id, account: row.email, at: now });
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, lines.length ? `${lines.join('\n')}\n` : '');
    renameSync(temporary, this.file);
  }
}
