import { ContractError } from '../../../shared/contract';
import type { Handlers } from '../context';
import { accountFilter, libraryFilePath, whileLibraryClosed } from './shared';

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
  'library.gallery': (input, ctx) =>
    ctx.library().gallery({ ...input, account: accountFilter(ctx, input.account) }),
  'library.seek': ({ position, ...query }, ctx) =>
    ctx.library().gallerySeek({ ...query, account: accountFilter(ctx, query.account) }, position),
  'library.counts': (input, ctx) => ctx.library().galleryCounts(input),
  'library.work': ({ workId }, ctx) => {
    const detail = ctx.library().workDetail(workId);
    if (!detail) throw new ContractError('not_found', `No work ${workId} in the library.`);
    return detail;
  },
  'library.facets': (_input, ctx) => ctx.library().facets(),
  'library.stats': (_input, ctx) => ctx.library().stats(),
  'library.setFavorite': ({ workId, favorite }, ctx) => {
    if (!ctx.library().setFavorite(workId, favorite)) {
      throw new ContractError('not_found', `No work ${workId} in the library.`);
    }
    return { workId, favorite };
  },
  'library.remove': async ({ taskId }, ctx) => {
    // Nothing may still be writing into the task's folder while it is deleted.
    await ctx.deps.engine?.forgetTask(taskId);
    const removed = ctx.library().removeTask(taskId);
    if (!removed) throw new ContractError('not_found', `No task ${taskId} in the library.`);
    ctx.log.info(`removed task ${taskId} and ${removed.removedFiles} files from the library`);
    return { taskId, removedFiles: removed.removedFiles };
  },
  'library.verify': (_input, ctx) => ctx.deps.library.verify(),
  'library.rebuild': async (_input, ctx) => {
    const report = await whileLibraryClosed(ctx.deps, () => ctx.deps.library.rebuild());
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
