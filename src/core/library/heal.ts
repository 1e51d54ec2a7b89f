// A damaged index heals itself: on opening (a time-bounded quick check) and whenever SQLite reports
// the file damaged later, the index is set aside in the backups (never deleted), rebuilt from the
// folder's task.json files and the journal, and the user is told in one line what happened and
// what, if anything, was lost. Every composition root opens the library through here.
import { isCorruptionError, quickCheck } from './corruption';
import type { QuickCheckOptions } from './corruption';
import { openLibrary } from './library';
import type { Library, LibraryOptions } from './library';
import { rebuildIndex } from './rebuild';
import type { RebuildReport } from './rebuild';

export interface HealReport {
  /** What SQLite said about the damaged index. */
  cause: string;
  rebuild: RebuildReport;
  /** One line for the user: what happened, where the old index went, what was lost. */
  message: string;
}

export interface CheckedOpenOptions extends LibraryOptions {
  quickCheck?: QuickCheckOptions;
  /**
   * Runs the heal (the index set aside and rebuilt) under the caller's guard: the CLI takes the
   * library's engine lock, so that it never rebuilds an index another process has open.
   */
  whileHealing?: <T>(heal: () => Promise<T>) => Promise<T>;
}

export interface CheckedLibrary {
  library: Library;
  /** Set when the index was damaged and has just been rebuilt. */
  healed: HealReport | null;
}

/**
 * Opens the library, checks its index, and rebuilds it first when it is damaged. Also starts the
 * journal of a library that has none yet (favorites from before the journal existed are kept).
 */
export async function openCheckedLibrary(
  folder: string,
  options: CheckedOpenOptions = {},
): Promise<CheckedLibrary> {
  const cause = checkedOpen(folder, options);
  if (typeof cause !== 'string') return { library: cause, healed: null };
  const heal = () => healIndex(folder, cause, options);
  const healed = await (options.whileHealing ? options.whileHealing(heal) : heal());
  return { library: openLibrary(folder, options), healed };
}

/** The open library when its index reads well, or SQLite's complaint (the library closed again). */
function checkedOpen(folder: string, options: CheckedOpenOptions): Library | string {
  let library: Library;
  // The check's own findings are answered here, by a heal: the caller hears of later ones only.
  let checking = true;
  const onCorruption = options.onCorruption;
  try {
    library = openLibrary(folder, {
      ...options,
      onCorruption: (error) => {
        if (!checking) onCorruption?.(error);
      },
    });
  } catch (error) {
    if (isCorruptionError(error)) return (error as Error).message;
    throw error;
  }
  try {
    const check = quickCheck(library.db, options.quickCheck);
    if (!check.ok) {
      library.close();
      return check.problem ?? 'the quick check failed';
    }
    const journal = library.journal;
    if (journal && (!journal.exists() || journal.needsCompacting())) {
      journal.compactFrom(library.db, (options.now ?? Date.now)());
    }
    checking = false;
    return library;
  } catch (error) {
    library.close();
    if (isCorruptionError(error)) return (error as Error).message;
    throw error;
  }
}

/**
 * Sets the damaged index aside and rebuilds it from the folder. Every connection to the index must
 * be closed first (a connection left open would go on writing into the file set aside).
 */
export async function healIndex(
  folder: string,
  cause: string,
  options: LibraryOptions = {},
): Promise<HealReport> {
  const rebuild = await rebuildIndex(folder, options);
  return { cause, rebuild, message: describeHeal(cause, rebuild) };
}

/** Closes a library that met a damaged index and heals it (the caller's other connections closed). */
export async function healDamagedLibrary(
  library: Library,
  options: LibraryOptions = {},
): Promise<HealReport> {
  const cause = library.damaged?.message ?? 'database disk image is malformed';
  library.close();
  return healIndex(library.root, cause, options);
}

/** Opens, checks (healing when needed) and closes: the composition roots' check before they start. */
export async function checkLibraryIndex(
  folder: string,
  options: CheckedOpenOptions = {},
): Promise<HealReport | null> {
  const { library, healed } = await openCheckedLibrary(folder, options);
  library.close();
  return healed;
}

export function describeHeal(cause: string, rebuild: RebuildReport): string {
  const kept = [
    `${rebuild.tasks} task(s)`,
    `${rebuild.works} work(s)`,
    `${rebuild.filesPresent} file(s)`,
    ...(rebuild.journal.favorites ? [`${rebuild.journal.favorites} favorite(s)`] : []),
    ...(rebuild.journal.removed ? [`${rebuild.journal.removed} removal(s)`] : []),
    ...(rebuild.journal.added ? [`${rebuild.journal.added} id(s) waiting for an answer`] : []),
  ].join(', ');
  const lost = [
    ...(rebuild.problems.length
      ? [
          `${rebuild.problems.length} unreadable task.json (${rebuild.problems[0]?.path ?? ''}${rebuild.problems.length > 1 ? ', …' : ''})`,
        ]
      : []),
    ...(rebuild.journal.favoritesLost
      ? [`${rebuild.journal.favoritesLost} favorite(s) of works no longer in the folder`]
      : []),
    ...(rebuild.journal.unreadable ? [`${rebuild.journal.unreadable} unreadable journal line(s)`] : []),
    // files.copy lives only in the index: the bytes on disk do not say which copy they are.
    ...(rebuild.filesPresent ? ['which files are watermark-free copies'] : []),
  ];
  const where = rebuild.previousIndex ? `; the damaged index is kept at ${rebuild.previousIndex}` : '';
  return (
    `The library index was damaged (${cause}) and has been rebuilt from the folder: ${kept} kept; ` +
    `${lost.length ? `lost: ${lost.join(', ')}` : 'nothing lost'}${where}.`
  );
}
