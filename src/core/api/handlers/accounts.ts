// Accounts live in the settings (id, label, email, token id); tokens live in the SecretStore. Every
// answer carries the masked token only.
import { randomUUID } from 'node:crypto';
import { ContractError } from '../../../shared/contract';
import type { AccountView, AccountsList, TokenRef } from '../../../shared/contract';
import type { StoredAccount, StoredSettings } from '../../settings/schema';
import { maskToken } from '../../settings/mask-token';
import { apiOrigin } from '../../useapi/base-url';
import type { HandlerContext, Handlers } from '../context';

type AccountMethods =
  | 'accounts.list'
  | 'accounts.add'
  | 'accounts.update'
  | 'accounts.remove'
  | 'accounts.switch'
  | 'accounts.test'
  | 'accounts.import';

const newAccountId = () => `a${randomUUID().replace(/-/g, '').slice(0, 16)}`;

/** The API origin tokens are used with now: the current API base's. */
function currentOrigin(ctx: HandlerContext): string {
  return apiOrigin(ctx.deps.settings.read().apiBase);
}

function view(ctx: HandlerContext, account: StoredAccount): AccountView {
  const token = ctx.deps.secrets.get(account.tokenId);
  return {
    ...account,
    maskedToken: token ? maskToken(token) : '(token missing)',
    tokenUsable: ctx.deps.secrets.tokenFor(account.tokenId, currentOrigin(ctx)) !== undefined,
    paused: ctx.pausedAccounts.get(account.id) ?? null,
  };
}

function list(ctx: HandlerContext): AccountsList {
  const settings = ctx.deps.settings.read();
  const origin = currentOrigin(ctx);
  return {
    accounts: settings.accounts.map((a) => view(ctx, a)),
    tokens: ctx.deps.secrets.list().map(({ tokenId, source, origin: tokenOrigin }) => ({
      tokenId,
      source,
      maskedToken: maskToken(ctx.deps.secrets.get(tokenId) ?? ''),
      accounts: settings.accounts.filter((a) => a.tokenId === tokenId).length,
      origin: tokenOrigin,
      usable: tokenOrigin === origin,
    })),
    activeAccountId: settings.activeAccountId,
  };
}

/**
 * The token a request refers to, without storing it: typed now (for the current API host), or known
 * by its id and given for the current API host; a token given for another host is never sent here.
 */
function tokenOf(ctx: HandlerContext, ref: TokenRef): string {
  if ('token' in ref) return ref.token;
  const known = ctx.deps.secrets.list().find((t) => t.tokenId === ref.tokenId);
  if (!known) throw new ContractError('not_found', `No token with id '${ref.tokenId}'.`);
  const origin = currentOrigin(ctx);
  const token = ctx.deps.secrets.tokenFor(ref.tokenId, origin);
  if (token === undefined) {
    throw new ContractError(
      'invalid_input',
      `This token was given for ${known.origin}, not for ${origin} (the API address now set): enter it again to use it there.`,
    );
  }
  return token;
}

/** The id of the token a request refers to, storing a new one (and saving a launch token). */
function storeToken(ctx: HandlerContext, ref: TokenRef): string {
  const token = tokenOf(ctx, ref);
  const source =
    'tokenId' in ref ? ctx.deps.secrets.list().find((t) => t.tokenId === ref.tokenId)?.source : null;
  // A stored token is kept as it is; a typed one, or one given at launch, is saved like any other
  // (an account on the launch id would follow whatever token the next start is given).
  if ('tokenId' in ref && source === 'stored') return ref.tokenId;
  return ctx.deps.secrets.put(token, currentOrigin(ctx));
}

/** Forgets stored tokens no account uses any more. */
function forgetUnusedTokens(ctx: HandlerContext, settings: StoredSettings): void {
  for (const { tokenId, source } of ctx.deps.secrets.list()) {
    if (source === 'stored' && !settings.accounts.some((a) => a.tokenId === tokenId))
      ctx.deps.secrets.remove(tokenId);
  }
}

function changed(ctx: HandlerContext, settings: StoredSettings): void {
  ctx.events.emit('accounts.changed', { activeAccountId: settings.activeAccountId });
  ctx.deps.engine?.accountsChanged();
}

function assertUnique(settings: StoredSettings, email: string, tokenId: string, exceptId?: string): void {
  const clash = settings.accounts.find(
    (a) => a.id !== exceptId && a.tokenId === tokenId && a.email.toLowerCase() === email.toLowerCase(),
  );
  if (clash)
    throw new ContractError('conflict', `${email} is already set up with this token (as '${clash.label}').`);
}

async function emailsUnder(
  ctx: HandlerContext,
  token: string,
): Promise<{ email: string; maxJobs: number | null }[]> {
  const create = ctx.deps.accountsClient;
  const settings = ctx.deps.settings.read();
  let outcome: Awaited<ReturnType<ReturnType<typeof create>['listAccounts']>>;
  try {
    outcome = await create({ baseUrl: settings.apiBase, token, timeoutMs: 20_000 }).listAccounts();
  } catch (error) {
    // The client refuses a bad base URL or token at construction, without quoting the token.
    throw new ContractError('invalid_input', error instanceof Error ? error.message : String(error));
  }
  if (outcome.kind === 'ok' && 'value' in outcome) {
    return Object.entries(outcome.value).map(([key, account]) => ({
      email: account.email ?? key,
      maxJobs: account.maxJobs ?? null,
    }));
  }
  const status = 'status' in outcome ? outcome.status : undefined;
  if (outcome.kind === 'not_found' || status === 404) return [];
  if (outcome.kind === 'unauthorized' || status === 401) {
    throw new ContractError(
      'invalid_input',
      'useapi.net refused this token (401 Unauthorized). Check it on useapi.net.',
    );
  }
  const detail = 'message' in outcome && outcome.message ? `: ${outcome.message}` : '';
  throw new ContractError(
    'unavailable',
    `useapi.net could not list the accounts (${outcome.kind}${detail}).`,
  );
}

const sameEmail = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Checks with useapi.net (GET /accounts) that `email` is one of the token's Kling accounts, before
 * anything is saved: a refused token, or an email not under it, is an error that says why.
 */
async function assertEmailUnderToken(ctx: HandlerContext, token: string, email: string): Promise<void> {
  const emails = (await emailsUnder(ctx, token)).map((e) => e.email);
  if (emails.some((each) => sameEmail(each, email))) return;
  throw new ContractError(
    'invalid_input',
    emails.length === 0
      ? `${email} is not under this token: it has no Kling account at useapi.net yet.`
      : `${email} is not one of this token's Kling accounts at useapi.net (${emails.join(', ')}).`,
  );
}

export const accountsHandlers: Pick<Handlers, AccountMethods> = {
  'accounts.list': (_input, ctx) => list(ctx),
  'accounts.add': async ({ email, label, credentials, activate }, ctx) => {
    await assertEmailUnderToken(ctx, tokenOf(ctx, credentials), email);
    const tokenId = storeToken(ctx, credentials);
    let added: StoredAccount | undefined;
    const settings = ctx.deps.settings.update((current) => {
      assertUnique(current, email, tokenId);
      added = { id: newAccountId(), label: label ?? email, email, tokenId, watch: true };
      const makeActive = activate ?? current.activeAccountId === null;
      return {
        ...current,
        accounts: [...current.accounts, added],
        activeAccountId: makeActive ? added.id : current.activeAccountId,
      };
    });
    changed(ctx, settings);
    ctx.log.info(`account added: ${email}`);
    return view(ctx, added!);
  },
  'accounts.update': async ({ id, label, email, credentials, watch }, ctx) => {
    if (email !== undefined || credentials !== undefined) {
      const existing = ctx.deps.settings.read().accounts.find((a) => a.id === id);
      if (!existing) throw new ContractError('not_found', `No account with id '${id}'.`);
      // Checking the email sends the token: tokenOf gives it only for the host it was saved for.
      const token = tokenOf(ctx, credentials ?? { tokenId: existing.tokenId });
      await assertEmailUnderToken(ctx, token, email ?? existing.email);
    }
    const tokenId = credentials ? storeToken(ctx, credentials) : undefined;
    let updated: StoredAccount | undefined;
    const settings = ctx.deps.settings.update((current) => {
      const existing = current.accounts.find((a) => a.id === id);
      if (!existing) throw new ContractError('not_found', `No account with id '${id}'.`);
      updated = {
        ...existing,
        label: label ?? existing.label,
        email: email ?? existing.email,
        tokenId: tokenId ?? existing.tokenId,
        watch: watch ?? existing.watch,
      };
      assertUnique(current, updated.email, updated.tokenId, id);
      return { ...current, accounts: current.accounts.map((a) => (a.id === id ? updated! : a)) };
    });
    if (tokenId) ctx.pausedAccounts.delete(id);
    forgetUnusedTokens(ctx, settings);
    changed(ctx, settings);
    return view(ctx, updated!);
  },
  'accounts.remove': ({ id }, ctx) => {
    const settings = ctx.deps.settings.update((current) => {
      if (!current.accounts.some((a) => a.id === id))
        throw new ContractError('not_found', `No account with id '${id}'.`);
      const accounts = current.accounts.filter((a) => a.id !== id);
      const activeAccountId =
        current.activeAccountId === id ? (accounts[0]?.id ?? null) : current.activeAccountId;
      return { ...current, accounts, activeAccountId };
    });
    ctx.pausedAccounts.delete(id);
    forgetUnusedTokens(ctx, settings);
    changed(ctx, settings);
    return { ok: true as const };
  },
  'accounts.switch': ({ id }, ctx) => {
    const settings = ctx.deps.settings.update((current) => {
      if (!current.accounts.some((a) => a.id === id))
        throw new ContractError('not_found', `No account with id '${id}'.`);
      return { ...current, activeAccountId: id };
    });
    changed(ctx, settings);
    return list(ctx);
  },
  'accounts.test': async ({ credentials, email }, ctx) => {
    const token = tokenOf(ctx, credentials);
    const emails = await emailsUnder(ctx, token);
    return {
      maskedToken: maskToken(token),
      emails,
      ...(email === undefined
        ? {}
        : { account: { email, listed: emails.some((e) => sameEmail(e.email, email)) } }),
    };
  },
  'accounts.import': async ({ credentials, emails }, ctx) => {
    const token = tokenOf(ctx, credentials);
    const available = await emailsUnder(ctx, token);
    const wanted = emails ?? available.map((e) => e.email);
    const unknown = wanted.filter((w) => !available.some((a) => a.email.toLowerCase() === w.toLowerCase()));
    if (unknown.length > 0) {
      throw new ContractError(
        'invalid_input',
        `Not configured under this token at useapi.net: ${unknown.join(', ')}.`,
      );
    }
    if (wanted.length === 0) return { added: [], skipped: [] };
    const tokenId = storeToken(ctx, credentials);
    const added: StoredAccount[] = [];
    const skipped: string[] = [];
    const settings = ctx.deps.settings.update((current) => {
      const accounts = [...current.accounts];
      for (const email of wanted) {
        if (accounts.some((a) => a.tokenId === tokenId && a.email.toLowerCase() === email.toLowerCase())) {
          skipped.push(email);
          continue;
        }
        const account = { id: newAccountId(), label: email, email, tokenId, watch: true };
        accounts.push(account);
        added.push(account);
      }
      return { ...current, accounts, activeAccountId: current.activeAccountId ?? added[0]?.id ?? null };
    });
    if (added.length > 0) changed(ctx, settings);
    return { added: added.map((a) => view(ctx, a)), skipped };
  },
};
