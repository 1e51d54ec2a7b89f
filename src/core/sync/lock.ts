// One engine per library: a lock file in the index folder holding the owner's pid. A second process
// gets a clear message; a lock left by a process that died (kill -9, power loss) is taken over.
import { hostname } from 'node:os';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { indexDir } from '../library/paths';

export const LOCK_FILE = 'engine.lock';

interface LockContent {
  pid: number;
  host: string;
  since: number;
}

export class LibraryLockedError extends Error {
  constructor(
    readonly libraryRoot: string,
    readonly owner: LockContent,
  ) {
    super(
      `The library at ${libraryRoot} is in use by another Kling Archive process ` +
        `(pid ${owner.pid} on ${owner.host}, since ${new Date(owner.since).toISOString()}). ` +
        'Close it, or wait for it to finish, then try again.',
    );
    this.name = 'LibraryLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

function readLock(file: string): LockContent | null {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockContent>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return null;
    return { pid: value.pid, host: value.host, since: typeof value.since === 'number' ? value.since : 0 };
  } catch {
    return null;
  }
}

export interface LibraryLock {
  readonly file: string;
  release(): void;
}

/** Takes the library's engine lock, or throws LibraryLockedError. */
export function acquireLibraryLock(libraryRoot: string): LibraryLock {
  const dir = indexDir(libraryRoot);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  const mine: LockContent = { pid: process.pid, host: hostname(), since: Date.now() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(mine), { flag: 'wx' });
      let released = false;
      return {
        file,
        release() {
          if (released) return;
          released = true;
          const current = readLock(file);
          if (current?.pid === mine.pid && current.host === mine.host) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readLock(file);
    // Only a lock from this machine can be proven stale; an unreadable one was cut off mid-write.
    const stale = owner === null || (owner.host === mine.host && !isAlive(owner.pid));
    if (!stale) throw new LibraryLockedError(libraryRoot, owner);
    rmSync(file, { force: true });
  }
  throw new Error(`Could not take the library lock at ${file}`);
}
