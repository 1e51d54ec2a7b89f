// Files beside the media that make the folder readable (and rebuildable) without the app:
// `task.json` (the raw response, ids exact) and `<account>/account.json`. Written via a temporary
// file and a rename, so a crash never leaves half a sidecar.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ACCOUNT_FILE, resolveInside, sanitizeSegment, SIDECAR_FILE, taskFolder } from './paths';

export function writeFileAtomic(absolutePath: string, content: string): void {
  mkdirSync(path.dirname(absolutePath), { recursive: true });
  const temporary = `${absolutePath}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, absolutePath);
}

export function writeTaskSidecar(
  root: string,
  account: string,
  createdAt: number | null,
  taskId: string,
  raw: string,
): string {
  const relative = `${taskFolder(account, createdAt, taskId)}/${SIDECAR_FILE}`;
  writeFileAtomic(resolveInside(root, relative), raw);
  return relative;
}

export function writeAccountSidecar(root: string, email: string, label: string | null): string {
  const relative = `${sanitizeSegment(email)}/${ACCOUNT_FILE}`;
  writeFileAtomic(resolveInside(root, relative), `${JSON.stringify({ email, label }, null, 2)}\n`);
  return relative;
}
