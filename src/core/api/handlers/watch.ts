// Automatic archiving: the watcher's status per account, and "Check now".
import { ContractError } from '../../../shared/contract';
import type { HandlerContext, Handlers } from '../context';
import { requireEngine } from './shared';

function engineOf(ctx: HandlerContext) {
  const engine = requireEngine(ctx);
  if (!engine.watchStatus || !engine.checkNow)
    throw new ContractError('unavailable', 'Automatic archiving is not available here.');
  return { watchStatus: engine.watchStatus.bind(engine), checkNow: engine.checkNow.bind(engine) };
}

export const watchHandlers: Pick<Handlers, 'watch.status' | 'watch.checkNow'> = {
  'watch.status': (_input, ctx) => engineOf(ctx).watchStatus(),
  'watch.checkNow': async ({ accountId }, ctx) => {
    const engine = engineOf(ctx);
    if (accountId !== undefined && !ctx.deps.settings.read().accounts.some((a) => a.id === accountId))
      throw new ContractError('not_found', `No account with id '${accountId}'.`);
    await engine.checkNow(accountId);
    return { ok: true as const };
  },
};
