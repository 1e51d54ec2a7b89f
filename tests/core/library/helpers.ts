import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A temp folder per test; returns it and a cleanup. */
export function tempFolder(prefix = 'kling-lib-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const ACCOUNT = 'me@example.com';
/** Ids above 2^53, which JSON.parse would change. */
export const BIG = (n: number) => (9007199254740993n + BigInt(n) * 7n).toString();
