// A damaged index met while the app or the headless server runs — by a call's own connection or by
// the sync engine's — is healed once (both connections closed, the index set aside and rebuilt from
// the folder) and the user is told in one line; the call that met it answers with that line.
import type { ContractErrorShape } from '../../shared/contract';
import { isCorruptionError } from '../library/corruption';
import type { ApiDeps } from './context';
import type { Logger } from './logger';

export interface LibraryHealer {
  /** Heals the library in the settings' folder; calls during a heal share it. */
  heal(cause: string): Promise<string>;
  /** The answer for a call that failed on a damaged index, after healing it; null for other errors. */
  answer(error: unknown): Promise<{ ok: false; error: ContractErrorShape } | null>;
}

export function createLibraryHealer(
  deps: ApiDeps,
  closeLibrary: () => Promise<void>,
  log: Logger,
): LibraryHealer {
  let healing: Promise<string> | undefined;

  function heal(cause: string): Promise<string> {
    const rebuild = deps.healLibrary;
    if (!rebuild)
      return Promise.resolve(`The library index is damaged (${cause}); rebuild it from the folder.`);
    healing ??= (async () => {
      const folder = deps.settings.read().libraryFolder;
      const work = async () => {
        await closeLibrary();
        return rebuild(folder, cause);
      };
      try {
        const message = await (deps.engine ? deps.engine.whileLibraryClosed(work) : work());
        log.warn(message);
        return message;
      } catch (error) {
        const message = `The library index is damaged (${cause}) and could not be rebuilt: ${
          error instanceof Error ? error.message : String(error)
        }`;
        log.error(message);
        return message;
      } finally {
        healing = undefined;
      }
    })();
    return healing;
  }

  return {
    heal,
    async answer(error) {
      if (!isCorruptionError(error)) return null;
      const message = await heal(error instanceof Error ? error.message : String(error));
      return { ok: false, error: { code: 'unavailable', message: `${message} Try again.` } };
    },
  };
}
