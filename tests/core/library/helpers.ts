import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Library } from '../../../src/core/library';

/** A temp folder per test; returns it and a cleanup. */
export function tempFolder(prefix = 'kling-lib-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const ACCOUNT = 'me@example.com';
/** Ids above 2^53, which JSON.parse would change. */
export const BIG = (n: number) => (9007199254740993n + BigInt(n) * 7n).toString();

/** FTS5's own check that the search index holds exactly what its content (works + tasks) says; throws if not. */
export function checkSearchIndex(library: Library): void {
  library.db.prepare("INSERT INTO work_search(work_search, rank) VALUES ('integrity-check', 1)").run();
}
