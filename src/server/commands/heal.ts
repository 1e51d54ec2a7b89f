// The CLI's side of a damaged index (src/core/library/heal.ts): every command opens the library
// checked, heals it under the engine lock, and says in one line on stderr what happened.
import { healDamagedLibrary, LibraryVersionError, openCheckedLibrary } from '../../core/library';
import type { Library, LibraryOptions } from '../../core/library';
import { acquireLibraryLock } from '../../core/sync';
import { UsageError } from './options';
import type { Io } from './options';

/** Runs a heal holding the library's engine lock (refused while another process syncs it). */
export async function underEngineLock<T>(folder: string, heal: () => Promise<T>): Promise<T> {
  const lock = acquireLibraryLock(folder);
  try {
    return await heal();
  } finally {
    lock.release();
  }
}

/**
 * Opens the library, healing a damaged index first. `locked`: the caller already holds the engine
 * lock (verify, rebuild-index); otherwise the heal takes it for its own time.
 */
export async function openHealedLibrary(
  command: string,
  folder: string,
  io: Io,
  options: LibraryOptions & { locked?: boolean } = {},
): Promise<{ library: Library; healed: boolean }> {
  const { library, healed } = await openCheckedLibrary(folder, {
    ...options,
    ...(options.locked ? {} : { whileHealing: (heal) => underEngineLock(folder, heal) }),
  });
  if (healed) io.err(`kling-archive ${command}: ${healed.message}\n`);
  return { library, healed: healed !== null };
}

/** `openHealedLibrary` for a command that syncs: a library that cannot be opened is a usage error. */
export async function openLibraryToSync(
  command: string,
  folder: string,
  io: Io,
  options: LibraryOptions = {},
): Promise<Library> {
  try {
    return (await openHealedLibrary(command, folder, io, options)).library;
  } catch (error) {
    if (error instanceof LibraryVersionError) throw new UsageError(error.message);
    throw new UsageError(
      `cannot open the library at ${folder}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** After a run that met a damaged index (the library's other users stopped): heal it and say so. */
export async function healAfterRun(
  command: string,
  library: Library,
  io: Io,
  locked = false,
): Promise<string> {
  const heal = () => healDamagedLibrary(library);
  const report = await (locked ? heal() : underEngineLock(library.root, heal));
  const message = `${report.message} Run the command again to finish.`;
  io.err(`kling-archive ${command}: during the run: ${message}\n`);
  return message;
}
