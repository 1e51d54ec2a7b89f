// The desktop app's sealed token file with a stand-in for safeStorage (no Electron here): what is
// written for each protection the OS offers and each choice the person makes, with owner-only modes.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSealedSecretStore } from '../../../src/core/settings/sealed-secrets';
import type { Sealer } from '../../../src/core/settings/sealed-secrets';
import type { WeakTokenStorage } from '../../../src/shared/contract';

const TOKEN = 'k7Qz-not-user-shaped-9Xw2';
const HOST = 'https://api.useapi.net';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kling-sealed-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sealer = (protection: Sealer['protection']): Sealer => ({
  protection,
  seal: (token) => `sealed:${Buffer.from(token).toString('hex')}`,
  unseal: (sealed) => Buffer.from(sealed.replace(/^sealed:/, ''), 'hex').toString(),
});

function open(
  protection: Sealer['protection'],
  choice: { value: WeakTokenStorage },
  warnings: string[] = [],
) {
  return createSealedSecretStore({
    file: path.join(dir, 'userData', 'secrets.json'),
    sealer: sealer(protection),
    origin: HOST,
    weakStorage: () => choice.value,
    warn: (message) => warnings.push(message),
  });
}
const file = () => path.join(dir, 'userData', 'secrets.json');

describe('the sealed secret store', () => {
  it('with a keyring: sealed tokens in an owner-only file and folder, read back', () => {
    const store = open('keychain', { value: 'ask' });
    const id = store.put(TOKEN, HOST);
    expect(store.protection()).toBe('keychain');
    expect(statSync(file()).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file())).mode & 0o777).toBe(0o700);
    expect(readFileSync(file(), 'utf8')).not.toContain(TOKEN);
    expect(open('keychain', { value: 'ask' }).tokenFor(id, HOST)).toBe(TOKEN);
  });

  it('with the weak backend: saved only when the person chose to; choosing "session" takes them off the disk', () => {
    const choice = { value: 'store' as WeakTokenStorage };
    const store = open('weak', choice);
    const id = store.put(TOKEN, HOST);
    expect(open('weak', choice).get(id)).toBe(TOKEN);
    choice.value = 'session';
    store.storageChoiceChanged?.();
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toEqual({ tokens: {}, origins: {} });
    expect(store.get(id)).toBe(TOKEN); // still usable in this session
    store.put('second-token-value-123', HOST);
    expect(readFileSync(file(), 'utf8')).not.toContain('sealed:');
    expect(open('weak', choice).list()).toEqual([]);
  });

  it('without encryption: nothing is written, and says nothing is readable', () => {
    const store = open('none', { value: 'store' });
    store.put(TOKEN, HOST);
    expect(store.protection()).toBe('none');
    expect(existsSync(file())).toBe(false);
  });

  it('reads the file electron-store wrote before, bound to the API origin at start', () => {
    const store = open('keychain', { value: 'ask' });
    store.put('placeholder-token-1', HOST);
    writeFileSync(file(), JSON.stringify({ tokens: { t1: sealer('keychain').seal(TOKEN) } }));
    const reopened = open('keychain', { value: 'ask' });
    expect(reopened.tokenFor('t1', HOST)).toBe(TOKEN);
    expect(reopened.tokenFor('t1', 'https://elsewhere.example')).toBeUndefined();
  });

  it('a token that does not decrypt is reported by id, never by value', () => {
    const warnings: string[] = [];
    open('keychain', { value: 'ask' }).put(TOKEN, HOST);
    const broken: Sealer = {
      ...sealer('keychain'),
      unseal: () => {
        throw new Error('bad');
      },
    };
    createSealedSecretStore({
      file: file(),
      sealer: broken,
      origin: HOST,
      weakStorage: () => 'ask',
      warn: (m) => warnings.push(m),
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cannot be decrypted/);
    expect(warnings[0]).not.toContain(TOKEN);
  });
});
