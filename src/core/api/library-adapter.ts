// The library module (src/core/library) seen through the LibraryPort the handlers use. Kept out of
// index.ts: importing it loads better-sqlite3, which the composition roots do after the ABI check.
import { openLibrary, rebuildIndex, verifyLibrary } from '../library';
import type { Library } from '../library';
import type { LibraryPort, OpenLibrary, RebuildLibrary } from './library-port';

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
