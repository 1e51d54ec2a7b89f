// Rebuilds the index from the folder alone: every `task.json` is ingested again and every media file
// present is recorded (hashed) as downloaded. The old index is moved to the backups, never deleted.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseTaskResponse } from '../../shared/useapi';
import { hashFile } from './hash';
import type { SnapshotInput } from './ingest';
import { LibraryJournal, readJournal } from './journal';
import { replayJournal } from './journal-replay';
import type { JournalReplay } from './journal-replay';
import { openLibrary } from './library';
import type { LibraryOptions } from './library';
import { ACCOUNT_FILE, backupDir, INDEX_DIR, indexPath, SIDECAR_FILE } from './paths';

export interface RebuildReport {
  tasks: number;
  works: number;
  filesPresent: number;
  filesAbsent: number;
  /** Sidecars that could not be read, with the reason. */
  problems: Array<{ path: string; problem: string }>;
  /** Where the previous index was moved, if there was one. */
  previousIndex: string | null;
  /** What the journal gave back that the task.json files do not hold (favorites, removals, ids added). */
  journal: JournalReplay;
}

const BATCH = 500;

function subfolders(folder: string): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

function accountOf(root: string, folderName: string): string {
  try {
    const value = JSON.parse(readFileSync(path.join(root, folderName, ACCOUNT_FILE), 'utf8')) as {
      email?: unknown;
    };
    if (typeof value.email === 'string' && value.email) return value.email;
  } catch {
    // no account.json: the folder name is the email
  }
  return folderName;
}

/** The library must be closed while this runs. */
export async function rebuildIndex(root: string, options: LibraryOptions = {}): Promise<RebuildReport> {
  const report: RebuildReport = {
    tasks: 0,
    works: 0,
    filesPresent: 0,
    filesAbsent: 0,
    problems: [],
    previousIndex: null,
    journal: { favorites: 0, removed: 0, added: 0, favoritesLost: 0, unreadable: 0 },
  };
  const current = indexPath(root);
  if (existsSync(current)) {
    mkdirSync(backupDir(root), { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const target = path.join(backupDir(root), `index-before-rebuild-${stamp}.sqlite`);
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(current + suffix)) renameSync(current + suffix, target + suffix);
    }
    report.previousIndex = target;
  }

  // Read before anything is written: the rebuilt index is replayed from it, then it is rewritten.
  const journal = readJournal(root);
  const library = openLibrary(root, { ...options, sidecars: false, journal: false });
  try {
    const taskIds: string[] = [];
    let batch: SnapshotInput[] = [];
    const flush = () => {
      for (const result of library.ingestMany(batch)) {
        if (result.taskId && result.outcome !== 'rejected') taskIds.push(result.taskId);
      }
      batch = [];
    };
    for (const accountFolder of subfolders(root)) {
      if (accountFolder === INDEX_DIR) continue;
      const account = accountOf(root, accountFolder);
      for (const month of subfolders(path.join(root, accountFolder))) {
        for (const taskFolder of subfolders(path.join(root, accountFolder, month))) {
          const relative = `${accountFolder}/${month}/${taskFolder}/${SIDECAR_FILE}`;
          let raw: string;
          try {
            raw = readFileSync(path.join(root, relative), 'utf8');
          } catch {
            continue; // a folder without a sidecar is not a task folder
          }
          const parsed = parseTaskResponse(raw);
          if (!parsed.ok) {
            report.problems.push({ path: relative, problem: parsed.problem });
            continue;
          }
          batch.push({ account, snapshot: parsed.value, raw });
          if (batch.length >= BATCH) flush();
        }
      }
    }
    flush();

    for (const taskId of taskIds) {
      report.tasks += 1;
      for (const file of library.createFileRows(taskId)) {
        const absolute = library.absolutePath(file.relativePath);
        if (existsSync(absolute) && statSync(absolute).isFile()) {
          const { sha256, bytes } = await hashFile(absolute);
          // The bytes on disk do not say whether they are the watermarked copy: unknown.
          library.recordFileDone(file.id, bytes, sha256, null);
          report.filesPresent += 1;
        } else {
          report.filesAbsent += 1;
        }
      }
    }
    report.journal = replayJournal(library, journal);
    new LibraryJournal(root).compactFrom(library.db, (options.now ?? Date.now)());
    report.works = library.stats().works;
    return report;
  } finally {
    library.close();
  }
}
