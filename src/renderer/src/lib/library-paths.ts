// Library-relative paths (always '/'-separated, see the library's paths.ts) as the viewer shows them.

/** The folder every path lies in directly (`acct/2026-04/123`), or null when they differ or none has one. */
export function commonFolder(paths: readonly string[]): string | null {
  let folder: string | null = null;
  for (const relativePath of paths) {
    const slash = relativePath.lastIndexOf('/');
    if (slash <= 0) return null;
    const own = relativePath.slice(0, slash);
    if (folder !== null && own !== folder) return null;
    folder = own;
  }
  return folder;
}

/** A path shown under `folder`: its name when it lies there, the whole path otherwise. */
export function fileName(relativePath: string, folder: string | null): string {
  return folder !== null && relativePath.startsWith(`${folder}/`)
    ? relativePath.slice(folder.length + 1)
    : relativePath;
}
