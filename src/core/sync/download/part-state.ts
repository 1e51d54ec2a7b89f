// What the downloader remembers beside `<final>.part` (in `<final>.part.json`), so that a resume can
// tell whether the bytes already on disk still belong to the same file on the server.
import { readFile, rm, writeFile } from 'node:fs/promises';

export interface PartValidator {
  etag: string | null;
  lastModified: string | null;
  /** The full size the server announced, when it did. */
  totalBytes: number | null;
}

export const partPath = (destination: string) => `${destination}.part`;
export const partStatePath = (destination: string) => `${destination}.part.json`;

export async function readPartValidator(destination: string): Promise<PartValidator | null> {
  try {
    const parsed = JSON.parse(await readFile(partStatePath(destination), 'utf8')) as Partial<PartValidator>;
    return {
      etag: typeof parsed.etag === 'string' ? parsed.etag : null,
      lastModified: typeof parsed.lastModified === 'string' ? parsed.lastModified : null,
      totalBytes:
        typeof parsed.totalBytes === 'number' && Number.isSafeInteger(parsed.totalBytes)
          ? parsed.totalBytes
          : null,
    };
  } catch {
    return null; // missing or unreadable: the .part cannot be trusted for a resume
  }
}

export async function writePartValidator(destination: string, validator: PartValidator): Promise<void> {
  await writeFile(partStatePath(destination), JSON.stringify(validator));
}

export async function removePartFiles(destination: string): Promise<void> {
  await rm(partPath(destination), { force: true });
  await rm(partStatePath(destination), { force: true });
}

/** The strong ETag usable in If-Range (weak ones are not allowed there). */
export function ifRangeValue(validator: PartValidator): string | null {
  if (validator.etag && !validator.etag.startsWith('W/')) return validator.etag;
  return validator.lastModified;
}
