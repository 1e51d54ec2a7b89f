// Headless tokens: from the environment, a flag, or a file only its owner can read; saved tokens in
// an owner-only file; masked everywhere else.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createHeadlessSecretStore,
  LAUNCH_TOKEN_ID,
  launchToken,
  readTokenFile,
  TokenFileError,
} from '../../../src/core/settings/headless-secrets';
import { maskToken, redactSecrets } from '../../../src/core/settings';

const TOKEN = 'user:1234-abcdefghijklmnopWXYZ';
const HOST = 'https://api.useapi.net';
const OTHER = 'https://api.elsewhere.example';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kling-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the launch token', () => {
  it('comes from --token-file, then --token, then USEAPI_TOKEN', () => {
    const file = path.join(dir, 'token');
    writeFileSync(file, `\n  ${TOKEN}  \n`, { mode: 0o600 });
    expect(
      launchToken({ env: { USEAPI_TOKEN: 'user:1-env' }, flagToken: 'user:2-flag', flagTokenFile: file }),
    ).toBe(TOKEN);
    expect(launchToken({ env: { USEAPI_TOKEN: 'user:1-env' }, flagToken: 'user:2-flag' })).toBe(
      'user:2-flag',
    );
    expect(launchToken({ env: { USEAPI_TOKEN: ' user:1-env ' } })).toBe('user:1-env');
    expect(launchToken({ env: {} })).toBeUndefined();
  });

  it('a token file others can read is refused with the fix', () => {
    const file = path.join(dir, 'token');
    writeFileSync(file, TOKEN);
    chmodSync(file, 0o644);
    expect(() => readTokenFile(file)).toThrow(TokenFileError);
    expect(() => readTokenFile(file)).toThrow(/chmod 600/);
    try {
      readTokenFile(file);
    } catch (error) {
      expect(String(error)).not.toContain(TOKEN);
    }
    chmodSync(file, 0o600);
    expect(readTokenFile(file)).toBe(TOKEN);
  });

  it('a missing or empty token file is a clear error', () => {
    expect(() => readTokenFile(path.join(dir, 'nope'))).toThrow(/does not exist/);
    writeFileSync(path.join(dir, 'empty'), '\n\n', { mode: 0o600 });
    expect(() => readTokenFile(path.join(dir, 'empty'))).toThrow(/is empty/);
  });
});

describe('the headless secret store', () => {
  it('keeps the launch token in memory only, under a fixed id', () => {
    const file = path.join(dir, 'tokens.json');
    const store = createHeadlessSecretStore({ file, launchToken: TOKEN, origin: HOST });
    expect(store.list()).toEqual([{ tokenId: LAUNCH_TOKEN_ID, source: 'launch', origin: HOST }]);
    expect(store.get(LAUNCH_TOKEN_ID)).toBe(TOKEN);
    expect(existsSync(file)).toBe(false);
    store.remove(LAUNCH_TOKEN_ID);
    expect(store.get(LAUNCH_TOKEN_ID)).toBe(TOKEN);
  });

  it('saves added tokens in an owner-only file, one id per token, and reads them back', () => {
    const file = path.join(dir, 'conf', 'tokens.json');
    const store = createHeadlessSecretStore({ file, origin: HOST });
    const id = store.put(TOKEN, HOST);
    expect(store.put(TOKEN, HOST)).toBe(id);
    const other = store.put('user:99-otherTokenValue1', HOST);
    expect(other).not.toBe(id);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = createHeadlessSecretStore({ file, origin: HOST });
    expect(again.get(id)).toBe(TOKEN);
    again.remove(id);
    expect(createHeadlessSecretStore({ file, origin: HOST }).get(id)).toBeUndefined();
    expect(readFileSync(file, 'utf8')).not.toContain(TOKEN);
  });

  it('a launch token the user adds an account with is saved under its own id, like any other', () => {
    const file = path.join(dir, 'tokens.json');
    const store = createHeadlessSecretStore({ file, launchToken: TOKEN, origin: HOST });
    const id = store.put(TOKEN, HOST);
    expect(id).not.toBe(LAUNCH_TOKEN_ID);
    expect(store.list()).toEqual([{ tokenId: id, source: 'stored', origin: HOST }]);
    // The next start, given another launch token: the saved one keeps its value.
    const next = createHeadlessSecretStore({ file, launchToken: 'user:5-nextLaunchToken', origin: HOST });
    expect(next.get(id)).toBe(TOKEN);
    expect(next.get(LAUNCH_TOKEN_ID)).toBe('user:5-nextLaunchToken');
  });

  it('binds each token to the API origin it was given for, across restarts', () => {
    const file = path.join(dir, 'tokens.json');
    const store = createHeadlessSecretStore({ file, launchToken: 'user:5-launchTokenValue', origin: HOST });
    const id = store.put(TOKEN, HOST);
    expect(store.tokenFor(id, HOST)).toBe(TOKEN);
    expect(store.tokenFor(id, OTHER)).toBeUndefined();
    expect(store.tokenFor(LAUNCH_TOKEN_ID, OTHER)).toBeUndefined();
    // Opened later while another API base is set: still bound to the host it was given for.
    const later = createHeadlessSecretStore({ file, origin: OTHER });
    expect(later.tokenFor(id, OTHER)).toBeUndefined();
    expect(later.tokenFor(id, HOST)).toBe(TOKEN);
    // Entered again for the new host, it moves there (same id).
    expect(later.put(TOKEN, OTHER)).toBe(id);
    expect(later.tokenFor(id, OTHER)).toBe(TOKEN);
    expect(later.tokenFor(id, HOST)).toBeUndefined();
  });

  it('reads a file from before tokens were bound, for the API origin at launch', () => {
    const file = path.join(dir, 'tokens.json');
    writeFileSync(file, JSON.stringify({ tokens: { t1: TOKEN } }), { mode: 0o600 });
    const store = createHeadlessSecretStore({ file, origin: HOST });
    expect(store.tokenFor('t1', HOST)).toBe(TOKEN);
    expect(store.tokenFor('t1', OTHER)).toBeUndefined();
  });

  it('refuses a tokens file others can read', () => {
    const file = path.join(dir, 'tokens.json');
    writeFileSync(file, JSON.stringify({ tokens: { t1: TOKEN } }), { mode: 0o640 });
    chmodSync(file, 0o640);
    expect(() => createHeadlessSecretStore({ file, origin: HOST })).toThrow(/chmod 600/);
  });
});

describe('masking', () => {
  it('shows enough to recognise a token, never enough to use it', () => {
    expect(maskToken(TOKEN)).toBe('user:1234…WXYZ');
    expect(maskToken('short')).toBe('…rt');
    expect(maskToken('abcdefghijklmnopqrstuvwxyz')).toBe('abcd…wxyz');
  });

  it('redacts a known secret in every form: exact, any case, URL-encoded, base64 at any alignment', () => {
    const secret = 'Opaque.Secret~Value/42+x';
    const echoes = [
      secret,
      secret.toUpperCase(),
      secret.toLowerCase(),
      encodeURIComponent(secret),
      encodeURIComponent(secret).toLowerCase(),
      encodeURIComponent(encodeURIComponent(secret)),
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
      Buffer.from(`a${secret}`).toString('base64'),
      Buffer.from(`ab${secret}tail`).toString('base64'),
    ];
    for (const echo of echoes) {
      const out = redactSecrets(`said: ${echo} (end)`, [secret]);
      expect(out, echo).not.toContain(echo);
      expect(out, echo).toContain('Opaq…42+x');
    }
    // Text that merely shares a few letters is left alone.
    expect(redactSecrets('Opaque things', [secret])).toBe('Opaque things');
  });

  it('redacts known secrets, token-shaped strings and bearer headers from text', () => {
    const text = `failed with ${TOKEN} and user:77-zzzzzzzz and Authorization: Bearer sekrit123 and mytoken-value-123456`;
    const out = redactSecrets(text, ['mytoken-value-123456']);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain('user:77-zzzzzzzz');
    expect(out).not.toContain('sekrit123');
    expect(out).not.toContain('mytoken-value-123456');
    expect(out).toContain('user:1234…WXYZ');
  });
});
