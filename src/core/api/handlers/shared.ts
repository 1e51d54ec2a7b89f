// Small helpers the domain handlers share.
import { ContractError } from '../../../shared/contract';
import type { StoredAccount } from '../../settings/schema';
import { resolveContainedFile } from '../../media/serve-file';
import type { ApiDeps, HandlerContext } from '../context';

/** The account filter of a query: omitted → the active account (or all when none); 'all' → all. */
export function accountFilter(ctx: HandlerContext, account: string | undefined): string | undefined {
  if (account === 'all') return undefined;
  if (account !== undefined) return account;
  const settings = ctx.deps.settings.read();
  return settings.accounts.find((a) => a.id === settings.activeAccountId)?.email;
}

export function findAccount(ctx: HandlerContext, accountId: string | undefined): StoredAccount {
  const settings = ctx.deps.settings.read();
  const id = accountId ?? settings.activeAccountId;
  if (!id)
    throw new ContractError('invalid_input', 'No account is active: add an account in Settings first.');
  const account = settings.accounts.find((a) => a.id === id);
  if (!account) throw new ContractError('not_found', `No account with id '${id}'.`);
  return account;
}

export function requireEngine(ctx: HandlerContext) {
  const engine = ctx.deps.engine;
  if (!engine) {
    throw new ContractError(
      'unavailable',
      'This server runs without the sync engine: adding, retrying, cancelling, re-downloading, history sync and watching need it.',
    );
  }
  return engine;
}

/** The absolute path of a file inside the library, refusing anything that leads outside it. */
export async function libraryFilePath(ctx: HandlerContext, relativePath: string): Promise<string> {
  const root = ctx.deps.settings.read().libraryFolder;
  const resolved = await resolveContainedFile(root, relativePath, false);
  if (!resolved.ok) {
    const code = resolved.status === 404 ? 'not_found' : 'invalid_input';
    throw new ContractError(code, `Cannot use '${relativePath}': ${resolved.reason}.`);
  }
  return resolved.absolutePath;
}

/**
 * Runs `work` (a move, a rebuild, a heal) with the library closed and the engine, when it runs here,
 * stopped; the engine carries on afterwards with the library in the folder the settings name then.
 */
export function whileLibraryClosed<T>(deps: ApiDeps, work: () => Promise<T>): Promise<T> {
  const closed = () => {
    deps.library.close();
    return work();
  };
  return deps.engine ? deps.engine.whileLibraryClosed(closed) : closed();
}
