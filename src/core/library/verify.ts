// Re-hashes every downloaded file. A file that is gone or whose bytes changed is marked `missing`
// (with the reason), which puts it back in the downloader's queue; nothing is deleted.
import { statSync } from 'node:fs';
import { hashFile } from './hash';
import type { Library } from './library';

export interface VerifyReport {
  checked: number;
  ok: number;
  missing: string[];
  corrupt: string[];
}

interface DoneFile {
  id: number;
  rel_path: string;
  bytes: number | null;
  sha256: string | null;
}

export async function verifyLibrary(
  library: Library,
  onProgress?: (checked: number, total: number) => void,
): Promise<VerifyReport> {
  const files = library.db
    .prepare<[], DoneFile>("SELECT id, rel_path, bytes, sha256 FROM files WHERE state = 'done' ORDER BY id")
    .all();
  const report: VerifyReport = { checked: 0, ok: 0, missing: [], corrupt: [] };
  for (const file of files) {
    report.checked += 1;
    const absolute = library.absolutePath(file.rel_path);
    let size: number | null;
    try {
      size = statSync(absolute).size;
    } catch {
      size = null;
    }
    if (size === null) {
      library.files.recordMissing(file.id, 'file not found during verify', Date.now());
      report.missing.push(file.rel_path);
    } else {
      const actual = size === file.bytes ? await hashFile(absolute) : null;
      if (actual && actual.sha256 === file.sha256) {
        report.ok += 1;
      } else {
        const why = actual ? 'checksum mismatch' : `size ${size} instead of ${file.bytes ?? '?'}`;
        library.files.recordMissing(file.id, `corrupt: ${why} during verify`, Date.now());
        report.corrupt.push(file.rel_path);
      }
    }
    onProgress?.(report.checked, files.length);
  }
  return report;
}
