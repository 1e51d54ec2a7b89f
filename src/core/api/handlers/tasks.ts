import { ContractError } from '../../../shared/contract';
import { judgeTaskId } from '../../../shared/domain/task-id';
import type { AddRejection } from '../../../shared/contract';
import { redactSecrets } from '../../settings/mask-token';
import type { HandlerContext, Handlers } from '../context';
import { accountFilter, findAccount, libraryFilePath, requireEngine } from './shared';

type TaskMethods =
  'tasks.list' | 'tasks.add' | 'tasks.retry' | 'tasks.cancel' | 'tasks.redownload' | 'tasks.syncHistory';

const REASONS: Record<AddRejection, string> = {
  invalid_id: 'not a task id (task ids are digits only)',
  duplicate_in_batch: 'given more than once in this batch',
  already_tracked: 'already in the library',
};

function knownTokens(ctx: HandlerContext): string[] {
  const { secrets } = ctx.deps;
  return secrets
    .list()
    .map(({ tokenId }) => secrets.get(tokenId))
    .filter((t): t is string => t !== undefined);
}

export const tasksHandlers: Pick<Handlers, TaskMethods> = {
  'tasks.list': async (input, ctx) =>
    ctx.library().taskList({ ...input, account: accountFilter(ctx, input.account) }),
  'tasks.add': async ({ taskIds, accountId }, ctx) => {
    const engine = requireEngine(ctx);
    // No account given: the active one is asked first, then the others (the owner is found).
    const findOwner = accountId === undefined;
    const account = findAccount(ctx, accountId);
    const rejected: { taskId: string; reason: AddRejection; message: string }[] = [];
    const reject = (
      taskId: string,
      reason: AddRejection,
      detail = '',
      message = `${REASONS[reason]}${detail}`,
    ) => rejected.push({ taskId, reason, message });
    const seen = new Set<string>();
    const candidates: string[] = [];
    for (const raw of taskIds) {
      const verdict = judgeTaskId(raw);
      // What was pasted is echoed back so the user can see it, unless it looks like a token.
      // An invalid id's message is the one reason the task-id rule gives (`not a number`, ...).
      if (!verdict.ok) reject(redactSecrets(raw, knownTokens(ctx)), 'invalid_id', '', verdict.reason);
      else if (seen.has(verdict.id)) reject(verdict.id, 'duplicate_in_batch');
      else {
        seen.add(verdict.id);
        candidates.push(verdict.id);
      }
    }
    let accepted: string[] = [];
    if (candidates.length > 0) {
      const outcome = await engine.addTasks({ accountId: account.id, email: account.email }, candidates, {
        findOwner,
      });
      accepted = outcome.accepted;
      for (const taskId of outcome.alreadyTracked) {
        const under = outcome.trackedUnder?.[taskId];
        reject(taskId, 'already_tracked', under ? `, under ${under}` : '');
      }
    }
    return { accountId: account.id, findOwner, accepted, rejected };
  },
  'tasks.retry': async ({ taskId }, ctx) => {
    await requireEngine(ctx).retryTask(taskId);
    return { ok: true as const };
  },
  'tasks.cancel': async ({ taskId }, ctx) => {
    await requireEngine(ctx).cancelTask(taskId);
    return { ok: true as const };
  },
  'tasks.redownload': async ({ relativePath }, ctx) => {
    const engine = requireEngine(ctx);
    // The file may be missing (that is why it is fetched again), so only the path's shape is checked.
    await libraryFilePath(ctx, relativePath).catch((error: unknown) => {
      if (!(error instanceof ContractError && error.code === 'not_found')) throw error;
    });
    await engine.redownloadFile(relativePath);
    return { ok: true as const };
  },
  'tasks.syncHistory': async ({ accountId }, ctx) => {
    const engine = requireEngine(ctx);
    const account = findAccount(ctx, accountId);
    await engine.syncHistory({ accountId: account.id, email: account.email });
    return { ok: true as const };
  },
};
