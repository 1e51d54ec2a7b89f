// Where each file of the library lives, and the guard that keeps every write inside the library.
// Names come from server data (emails, ids, URL extensions): each one is sanitised so that a hostile
// value can neither climb out of the folder nor produce a name Windows, macOS or Linux refuse.
import path from 'node:path';

export const INDEX_DIR = '.kling-archive';
export const INDEX_FILE = 'index.sqlite';
export const BACKUP_DIR = 'backups';
export const SIDECAR_FILE = 'task.json';
export const ACCOUNT_FILE = 'account.json';
/** State that lives only in the index (favorites, removals, ids added), kept so a rebuild loses none. */
export const JOURNAL_FILE = 'journal.jsonl';

const MAX_SEGMENT_BYTES = 120;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;
// Control characters, NUL, and the characters Windows forbids in names (and both separators).
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f<>:"/\\|?*\u202a-\u202e\u2066-\u2069]/g;

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  for (const char of text) {
    if (Buffer.byteLength(out + char) > maxBytes) break;
    out += char;
  }
  return out;
}

/** One safe path segment (never empty, never `.`/`..`, never a reserved or hidden-dot name). */
export function sanitizeSegment(raw: string, fallback = '_'): string {
  let name = raw.normalize('NFC').replace(FORBIDDEN, '_');
  name = name.trim().replace(/^\.+/, (dots) => '_'.repeat(dots.length));
  name = truncateUtf8(name, MAX_SEGMENT_BYTES);
  // Windows drops trailing dots and spaces, which would make two names collide.
  name = name.replace(/[. ]+$/, '');
  if (name === '') name = fallback;
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  return name;
}

/** A file extension from a URL (`.mp4`, `.jpg`), or the fallback when the URL gives none usable. */
export function extensionFromUrl(url: string | null | undefined, fallback: string): string {
  if (!url) return fallback;
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    pathname = url.split(/[?#]/)[0] ?? '';
  }
  const match = /\.([A-Za-z0-9]{1,5})$/.exec(pathname);
  const ext = match?.[1]?.toLowerCase();
  return ext && ext !== 'exe' ? ext : fallback;
}

/** `YYYY-MM` in UTC, so that a folder never moves when the computer changes time zone. */
export function monthFolder(createdAt: number | null | undefined): string {
  if (createdAt === null || createdAt === undefined || !Number.isFinite(createdAt) || createdAt <= 0) {
    return 'undated';
  }
  const date = new Date(createdAt);
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** `<account>/<YYYY-MM>/<taskId>` relative to the library, with `/` separators. */
export function taskFolder(account: string, createdAt: number | null | undefined, taskId: string): string {
  return [sanitizeSegment(account), monthFolder(createdAt), sanitizeSegment(taskId)].join('/');
}

export function mediaFileName(workId: string, ext: string): string {
  return sanitizeSegment(`${sanitizeSegment(workId)}.${sanitizeSegment(ext, 'bin')}`);
}

export function coverFileName(workId: string): string {
  return sanitizeSegment(`${sanitizeSegment(workId)}.cover.jpg`);
}

/** `input.jpg`, then `input-2.png`, ... for tasks with several input images. */
export function inputFileName(index: number, ext: string): string {
  const stem = index === 0 ? 'input' : `input-${index + 1}`;
  return `${stem}.${sanitizeSegment(ext, 'jpg')}`;
}

export class UnsafePathError extends Error {
  constructor(relativePath: string) {
    super(`Refusing a path outside the library: ${JSON.stringify(relativePath)}`);
    this.name = 'UnsafePathError';
  }
}

/**
 * The absolute path of a library-relative path, after checking that it lies inside the library.
 * Call before every write (and before serving a file).
 */
export function resolveInside(libraryRoot: string, relativePath: string): string {
  const root = path.resolve(libraryRoot);
  if (relativePath.includes('\0') || path.isAbsolute(relativePath) || /^[A-Za-z]:/.test(relativePath)) {
    throw new UnsafePathError(relativePath);
  }
  const resolved = path.resolve(root, relativePath);
  const rel = path.relative(root, resolved);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new UnsafePathError(relativePath);
  // The index folder is the app's: media paths may never point into it.
  if (rel.split(path.sep)[0] === INDEX_DIR) throw new UnsafePathError(relativePath);
  return resolved;
}

export function indexDir(libraryRoot: string): string {
  return path.join(path.resolve(libraryRoot), INDEX_DIR);
}

export function indexPath(libraryRoot: string): string {
  return path.join(indexDir(libraryRoot), INDEX_FILE);
}

export function backupDir(libraryRoot: string): string {
  return path.join(indexDir(libraryRoot), BACKUP_DIR);
}

export function journalPath(libraryRoot: string): string {
  return path.join(indexDir(libraryRoot), JOURNAL_FILE);
}
