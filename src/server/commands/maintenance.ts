// `kling-archive verify` and `kling-archive rebuild-index`: the library's own checks, under the
// engine lock so that they never race a running sync.
import { isCorruptionError, rebuildIndex, verifyLibrary } from '../../core/library';
import type { VerifyReport } from '../../core/library';
import { LibraryLockedError, acquireLibraryLock } from '../../core/sync';
import { healAfterRun, openHealedLibrary } from './heal';
import { UsageError, checkLibraryFolder, libraryFolder, parseArgs, type Io } from './options';

export async function runVerify(
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return underLibraryLock('verify', argv, io, env, async ({ folder, json }) => {
    // A damaged index is healed (and said so) first: verify never answers from an index it cannot read.
    const { library, healed } = await openHealedLibrary('verify', folder, io, { locked: true });
    let report: VerifyReport;
    try {
      let last = 0;
      report = await verifyLibrary(library, (checked, total) => {
        if (Date.now() - last > 1000 || checked === total) {
          last = Date.now();
          io.err(`verified ${checked}/${total}\n`);
        }
      });
    } catch (error) {
      if (!library.damaged && !isCorruptionError(error)) {
        library.close();
        throw error;
      }
      const message = await healAfterRun('verify', library, io, true);
      if (json) io.out(`${JSON.stringify({ error: message })}\n`);
      return 1;
    }
    try {
      if (json) io.out(`${JSON.stringify({ ...report, healed })}\n`);
      else {
        for (const file of report.missing) io.out(`missing  ${file}\n`);
        for (const file of report.corrupt) io.out(`corrupt  ${file}\n`);
      }
      io.err(
        `${report.checked} file(s) checked: ${report.ok} ok, ${report.missing.length} missing, ${report.corrupt.length} corrupt\n`,
      );
      // A healed index is not an all-clear: something had gone wrong, and the line above says what.
      return report.missing.length + report.corrupt.length > 0 || healed ? 1 : 0;
    } finally {
      library.close();
    }
  });
}

export async function runRebuildIndex(
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return underLibraryLock('rebuild-index', argv, io, env, async ({ folder, json }) => {
    const report = await rebuildIndex(folder);
    if (json) io.out(`${JSON.stringify(report)}\n`);
    for (const problem of report.problems) io.err(`skipped ${problem.path}: ${problem.problem}\n`);
    io.err(
      `rebuilt: ${report.tasks} task(s), ${report.works} work(s), ${report.filesPresent} file(s) present, ` +
        `${report.filesAbsent} absent, ${report.journal.favorites} favorite(s) and ` +
        `${report.journal.removed + report.journal.added} removed or added id(s) from the journal` +
        `${report.previousIndex ? `; the old index is at ${report.previousIndex}` : ''}\n`,
    );
    return report.problems.length > 0 ? 1 : 0;
  });
}

/** The shared frame of both commands: options, the folder check, and the engine lock held throughout. */
async function underLibraryLock(
  command: string,
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv,
  work: (context: { folder: string; json: boolean }) => Promise<number>,
): Promise<number> {
  try {
    const args = parseArgs(argv, ['library'], ['json']);
    if (args.positional.length > 0) throw new UsageError(`${command} takes no arguments`);
    const folder = libraryFolder(args, env);
    checkLibraryFolder(folder, true);
    const lock = acquireLibraryLock(folder);
    try {
      return await work({ folder, json: args.switches.has('json') });
    } finally {
      lock.release();
    }
  } catch (error) {
    return fail(command, error, io);
  }
}

function fail(command: string, error: unknown, io: Io): number {
  const message = error instanceof Error ? error.message : String(error);
  io.err(`kling-archive ${command}: ${message}\n`);
  return error instanceof UsageError || error instanceof LibraryLockedError ? 2 : 1;
}
