// Opaque keyset cursors: the sort key of the last row of a page, base64url-encoded JSON, tagged
// with the sort it belongs to so that a cursor from another sort is refused instead of misread.
export class CursorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CursorError';
  }
}

/** Whole numbers: ids, times, durations. */
export type CursorKey = ReadonlyArray<number>;

export function encodeCursor(sort: string, key: CursorKey): string {
  return Buffer.from(JSON.stringify({ s: sort, k: key })).toString('base64url');
}

export function decodeCursor(cursor: string, sort: string, length: number): CursorKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('The page cursor is damaged; start again from the first page.');
  }
  const value = parsed as { s?: unknown; k?: unknown };
  if (value?.s !== sort || !Array.isArray(value.k) || value.k.length !== length) {
    throw new CursorError(
      'The page cursor belongs to another sort or list; start again from the first page.',
    );
  }
  for (const part of value.k) {
    // Keys are whole numbers: anything else was not made here (and is never put into the SQL).
    if (!Number.isSafeInteger(part)) {
      throw new CursorError('The page cursor is damaged; start again from the first page.');
    }
  }
  return value.k as CursorKey;
}
