import { ContractError } from '../../../shared/contract';
import type { Handlers } from '../context';
import { accountFilter, libraryFilePath } from './shared';

type LibraryMethods =
  | 'library.gallery'
  | 'library.seek'
  | 'library.counts'
  | 'library.work'
  | 'library.facets'
  | 'library.stats'
  | 'library.setFavorite'
  | 'library.remove'
  | 'library.verify'
  | 'library.rebuild'
  | 'library.openInFolder'
  | 'library.startDrag';

export const libraryHandlers: Pick<Handlers, LibraryMethods> = {
  'library.gallery': async (input, ctx) => {
    const library = await ctx.library();
    return library.gallery({ ...input, account: accountFilter(ctx, input.account) });
  },
  'library.seek': async ({ position, ...query }, ctx) => {
    const library = await ctx.library();
    return library.gallerySeek({ ...query, account: accountFilter(ctx, query.account) }, position);
  },
  'library.counts': async (input, ctx) => (await ctx.library()).galleryCounts(input),
  'library.work': async ({ workId }, ctx) => {
    const detail = (await ctx.library()).work(workId);
    if (!detail) throw new ContractError('not_found', `No work ${workId} in the library.`);
    return detail;
  },
  'library.facets': async (_input, ctx) => (await ctx.library()).facets(),
  'library.stats': async (_input, ctx) => (await ctx.library()).stats(),
  'library.setFavorite': async ({ workId, favorite }, ctx) => {
    if (!(await ctx.library()).setFavorite(workId, favorite)) {
      throw new ContractError('not_found', `No work ${workId} in the library.`);
    }
    return { workId, favorite };
  },
  'library.remove': async ({ taskId }, ctx) => {
    // Nothing may still be writing into the task's folder while it is deleted.
    await ctx.deps.engine?.forgetTask(taskId);
    const removed = await (await ctx.library()).removeTask(taskId);
    if (!removed) throw new ContractError('not_found', `No task ${taskId} in the library.`);
    ctx.log.info(`removed task ${taskId} and ${removed.removedFiles} files from the library`);
    return { taskId, removedFiles: removed.removedFiles };
  },
  'library.verify': async (_input, ctx) => (await ctx.library()).verify(),
  'library.rebuild': async (_input, ctx) => {
    const rebuild = ctx.deps.rebuildLibrary;
    if (!rebuild)
      throw new ContractError('unavailable', 'Rebuilding the index is not available in this version yet.');
    const folder = ctx.deps.settings.read().libraryFolder;
    const work = async () => {
      await ctx.closeLibrary();
      return rebuild(folder);
    };
    const report = ctx.deps.engine ? await ctx.deps.engine.whileLibraryClosed(work) : await work();
    ctx.log.info(
      `index rebuilt: ${report.tasks} tasks, ${report.works} works, ${report.problems.length} problems`,
    );
    return report;
  },
  'library.openInFolder': async ({ relativePath }, ctx) => {
    const shell = ctx.deps.shell;
    if (!shell) throw new ContractError('unavailable', 'Opening a folder works in the desktop app only.');
    shell.openInFolder(await libraryFilePath(ctx, relativePath));
    return { ok: true as const };
  },
  'library.startDrag': async ({ relativePath }, ctx) => {
    const startDrag = ctx.call.startDrag;
    if (!startDrag)
      throw new ContractError('unavailable', 'Dragging files out works in the desktop app only.');
    startDrag(await libraryFilePath(ctx, relativePath));
    return { ok: true as const };
  },
};
