// A full disk reaches the engine two ways: a download's ENOSPC (handled where it is written, which
// removes the partial file), and the library index failing to write (SQLITE_FULL) while the disk is
// full, e.g. when the next file is claimed at the moment another download filled the disk. Both
// stop the download queue with the same reason instead of escaping as an unhandled error.

export const DISK_FULL_MESSAGE = 'The disk is full: the library index could not be written';

export function isDiskFullError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT';
}
