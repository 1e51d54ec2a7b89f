// Accounts are checked with useapi.net (the simulator, over real HTTP) when added or edited: a
// refused token or an email that is not one of the token's accounts is an error, and nothing is
// saved. "Test token" says whether the account's own email is among the token's accounts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHeadlessApi } from '../../../src/server/headless';
import { startSimulator, TOKENS } from '../../../src/sim';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const root = mkdtempSync(join(tmpdir(), 'kling-accounts-checked-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const sim = await startSimulator({ scenario: 'multi' });
  cleanups.push(() => sim.close());
  const { api } = createHeadlessApi({
    configDir: join(root, 'config'),
    libraryFolder: join(root, 'library'),
    apiBase: sim.baseUrl,
    env: {},
    version: '0.0.0-test',
  });
  cleanups.push(() => api.close());
  const accountAsks = () => sim.requests().filter((r) => r.path === '/v1/kling/accounts').length;
  return { api, accountAsks };
}

describe('accounts are checked when added', () => {
  it('a refused token is an error and nothing is saved', async () => {
    const { api, accountAsks } = await setup();
    const refused = await api.call('accounts.add', {
      email: 'alice@example.com',
      credentials: { token: 'user:9999-RefusedToken0' },
    });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('invalid_input');
    expect(refused.error.message).toMatch(/refused this token/);
    expect(accountAsks()).toBe(1);
    const list = await api.call('accounts.list', {});
    expect(list.ok && list.value).toMatchObject({ accounts: [], tokens: [], activeAccountId: null });
  });

  it('an email that is not under the token is an error that lists the token’s emails', async () => {
    const { api } = await setup();
    const foreign = await api.call('accounts.add', {
      email: 'carol@example.com',
      credentials: { token: TOKENS.multiA },
    });
    expect(foreign.ok).toBe(false);
    if (foreign.ok) return;
    expect(foreign.error.code).toBe('invalid_input');
    expect(foreign.error.message).toContain('carol@example.com is not one of this token');
    expect(foreign.error.message).toContain('alice@example.com, bob@example.com');
    // A token without any account says so.
    const none = await api.call('accounts.add', {
      email: 'alice@example.com',
      credentials: { token: TOKENS.multiNone },
    });
    expect(!none.ok && none.error.message).toMatch(/no Kling account/);
    const list = await api.call('accounts.list', {});
    expect(list.ok && list.value.accounts).toEqual([]);
    expect(list.ok && list.value.tokens).toEqual([]);

    // The same email, any case, under its own token is added.
    const added = await api.call('accounts.add', {
      email: 'Alice@example.com',
      credentials: { token: TOKENS.multiA },
    });
    expect(added.ok).toBe(true);
  });

  it('editing an account checks the new email or the new token, and keeps the old values on a refusal', async () => {
    const { api, accountAsks } = await setup();
    const added = await api.call('accounts.add', {
      email: 'alice@example.com',
      credentials: { token: TOKENS.multiA },
    });
    if (!added.ok) throw new Error(added.error.message);
    const id = added.value.id;
    const before = accountAsks();
    // A label alone asks nothing.
    expect((await api.call('accounts.update', { id, label: 'Studio' })).ok).toBe(true);
    expect(accountAsks()).toBe(before);

    const foreignEmail = await api.call('accounts.update', { id, email: 'carol@example.com' });
    expect(!foreignEmail.ok && foreignEmail.error.message).toContain('alice@example.com, bob@example.com');
    const badToken = await api.call('accounts.update', {
      id,
      credentials: { token: 'user:9999-RefusedToken0' },
    });
    expect(!badToken.ok && badToken.error.message).toMatch(/refused this token/);
    // Carol's own token does not have Alice.
    const otherToken = await api.call('accounts.update', { id, credentials: { token: TOKENS.multiB } });
    expect(!otherToken.ok && otherToken.error.message).toContain('(carol@example.com)');

    const list = await api.call('accounts.list', {});
    if (!list.ok) throw new Error(list.error.message);
    expect(list.value.accounts).toMatchObject([{ id, email: 'alice@example.com', label: 'Studio' }]);
    expect(list.value.tokens).toHaveLength(1);

    const moved = await api.call('accounts.update', { id, email: 'bob@example.com' });
    expect(moved.ok && moved.value.email).toBe('bob@example.com');
  });

  it('"Test token" says whether the account’s own email is among the token’s accounts', async () => {
    const { api } = await setup();
    const added = await api.call('accounts.add', {
      email: 'alice@example.com',
      credentials: { token: TOKENS.multiA },
    });
    if (!added.ok) throw new Error(added.error.message);
    const listed = await api.call('accounts.test', {
      credentials: { tokenId: added.value.tokenId },
      email: 'alice@example.com',
    });
    expect(listed.ok && listed.value.account).toEqual({ email: 'alice@example.com', listed: true });
    const notListed = await api.call('accounts.test', {
      credentials: { token: TOKENS.multiB },
      email: 'alice@example.com',
    });
    expect(notListed.ok && notListed.value).toMatchObject({
      emails: [{ email: 'carol@example.com' }],
      account: { email: 'alice@example.com', listed: false },
    });
  });
});
