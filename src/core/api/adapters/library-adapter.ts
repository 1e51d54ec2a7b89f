// The process's one library (src/core/library) behind the LibraryHandle the handlers and the engine
// adapter share. Kept out of index.ts: importing it loads better-sqlite3, which the composition
// roots do after the ABI check.
import { existsSync } from 'node:fs';
import { ContractError } from '../../../shared/contract';
import { checkLibraryIndex, healIndex, openLibrary, rebuildIndex, verifyLibrary } from '../../library';
import type { Library, LibraryOptions } from '../../library';
import { indexPath } from '../../library/paths';
import { acquireLibraryLock } from '../../sync';
import type { LibraryHandle } from '../ports/library-port';
import type { Logger } from '../logger';

export interface LibraryHandleOptions {
  /** The library folder now (the settings'; it can move while running). */
  folder: () => string;
  /** Library options (tests: a clock); the handle sets `onCorruption` itself. */
  libraryOptions?: Omit<LibraryOptions, 'onCorruption'>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createLibraryHandle(options: LibraryHandleOptions): LibraryHandle {
  let library: Library | null = null;
  const damageListeners = new Set<(error: Error) => void>();
  // Told after the current call returns: a heal closes the library, which must not happen inside a
  // statement, the engine's start or a handler's call.
  const onCorruption = (error: Error) => {
    queueMicrotask(() => {
      for (const listener of damageListeners) listener(error);
    });
  };

  function open(): Library {
    if (library) return library;
    const folder = options.folder();
    try {
      library = openLibrary(folder, { ...options.libraryOptions, onCorruption });
    } catch (error) {
      throw new ContractError('unavailable', `The library in ${folder} cannot be opened: ${describe(error)}`);
    }
    return library;
  }

  function close(): void {
    const current = library;
    library = null;
    current?.close();
  }

  return {
    open,
    close,
    onDamaged(listener) {
      damageListeners.add(listener);
      return () => damageListeners.delete(listener);
    },
    verify: () => verifyLibrary(open()),
    rebuild() {
      close();
      return rebuildIndex(options.folder());
    },
    async heal(cause) {
      close();
      return (await healIndex(options.folder(), cause)).message;
    },
  };
}

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
    log.warn(`the library index was not checked: ${describe(error)}`);
    return null;
  }
}
