// The library module (src/core/library) seen through the LibraryPort the handlers use. Kept out of
// index.ts: importing it loads better-sqlite3, which the composition roots do after the ABI check.
import { existsSync } from 'node:fs';
import { checkLibraryIndex, healIndex, openLibrary, rebuildIndex, verifyLibrary } from '../../library';
import type { Library } from '../../library';
import { indexPath } from '../../library/paths';
import { acquireLibraryLock } from '../../sync';
import type { HealLibrary, LibraryPort, OpenLibrary, RebuildLibrary } from '../ports/library-port';
import type { Logger } from '../logger';

export function libraryPort(library: Library): LibraryPort {
  return {
    gallery: (query) => library.gallery(query),
    gallerySeek: (query, position) => library.gallerySeek(query, position),
    galleryCounts: (query) => library.galleryCounts(query),
    work: (workId) => library.workDetail(workId),
    facets: () => library.facets(),
    stats: () => library.stats(),
    tasks: (query) => library.taskList(query),
    setFavorite: (workId, favorite) => library.setFavorite(workId, favorite),
    removeTask: async (taskId) => library.removeTask(taskId),
    verify: () => verifyLibrary(library),
    close: () => library.close(),
  };
}

export const openLibraryPort: OpenLibrary = (folder) => libraryPort(openLibrary(folder));

export const rebuildLibraryIndex: RebuildLibrary = (folder) => rebuildIndex(folder);

export const healLibraryIndex: HealLibrary = async (folder, cause) =>
  (await healIndex(folder, cause)).message;

/**
 * The composition roots' check before the engine starts: a damaged index is healed (under the
 * engine lock, so never under another process's feet), the one line logged and returned for the UI.
 * Never throws: a library that cannot be opened is reported by the engine's start.
 */
export async function checkLibraryOnStart(folder: string, log: Logger): Promise<string | null> {
  // No index yet: nothing to heal, and nothing is created before the engine or a call asks for it.
  if (!existsSync(indexPath(folder))) return null;
  try {
    const healed = await checkLibraryIndex(folder, {
      whileHealing: async (heal) => {
        const lock = acquireLibraryLock(folder);
        try {
          return await heal();
        } finally {
          lock.release();
        }
      },
    });
    if (healed) log.warn(healed.message);
    return healed?.message ?? null;
  } catch (error) {
    log.warn(`the library index was not checked: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}
