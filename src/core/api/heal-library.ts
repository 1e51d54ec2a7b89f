// A damaged index met while the app or the headless server runs — by a handler's call or by the sync
// engine, both on the process's one library — is healed once (the engine stopped, the library
// closed, the index set aside and rebuilt from the folder) and the user is told in one line; the
// call that met it answers with that line.
import type { ContractErrorShape } from '../../shared/contract';
import { isCorruptionError } from '../library/corruption';
import type { ApiDeps } from './context';
import { whileLibraryClosed } from './handlers/shared';
import type { Logger } from './logger';

export interface LibraryHealer {
  /** Heals the library in the settings' folder; calls during a heal share it. */
  heal(cause: string): Promise<string>;
  /** The answer for a call that failed on a damaged index, after healing it; null for other errors. */
  answer(error: unknown): Promise<{ ok: false; error: ContractErrorShape } | null>;
}

export function createLibraryHealer(deps: ApiDeps, log: Logger): LibraryHealer {
  let healing: Promise<string> | undefined;

  function heal(cause: string): Promise<string> {
    healing ??= (async () => {
      try {
        const message = await whileLibraryClosed(deps, () => deps.library.heal(cause));
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
