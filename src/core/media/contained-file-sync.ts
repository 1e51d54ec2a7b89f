// The synchronous twin of resolveContainedFile, for the one caller that cannot wait: an OS drag must
// start within the IPC message that asks for it (Electron's startDrag), so its file is checked
// synchronously, with the same rules (real paths, symlinks followed, nothing outside the root).
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { isHidden, isInside, splitRequestPath } from './serve-file';

/** The real path of `relativePath` under `root` when it is a file inside it, else the reason not. */
export function resolveContainedFileSync(
  root: string,
  relativePath: string,
): { ok: true; absolutePath: string } | { ok: false; reason: string } {
  const segments = splitRequestPath(relativePath, false);
  if (!Array.isArray(segments)) return { ok: false, reason: segments.reason };
  if (isHidden(segments)) return { ok: false, reason: 'hidden files and folders are not dragged out' };
  try {
    const realRoot = realpathSync(root);
    const real = realpathSync(path.join(realRoot, ...segments));
    if (!isInside(realRoot, real)) return { ok: false, reason: 'points outside the library' };
    if (isHidden(path.relative(realRoot, real).split(path.sep)))
      return { ok: false, reason: 'points into a hidden folder' };
    if (!statSync(real).isFile()) return { ok: false, reason: 'not a file' };
    return { ok: true, absolutePath: real };
  } catch {
    return { ok: false, reason: 'no such file' };
  }
}
