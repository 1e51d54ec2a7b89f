// Tokens in the app: encrypted with the OS keychain (Electron safeStorage) and kept in their own
// store, apart from the settings. Without OS encryption they are kept for this session only.
import { safeStorage } from 'electron';
import ElectronStore from 'electron-store';
import { newTokenId, TokenTable } from '../core/settings';
import type { Logger } from '../core/api';
import type { SecretStore } from '../core/settings';
import { LAUNCH_TOKEN_ID } from '../core/settings/headless-secrets';
import { setAsideUnreadableStore } from './settings-store';

/**
 * `launchToken` (USEAPI_TOKEN, as in headless mode; `npm run demo` hands the demo's token over so)
 * is kept for this session only, unless the user adds an account with it.
 */
export function openAppSecrets(log: Logger, launchToken?: string): SecretStore {
  // An unreadable file is kept aside (the tokens in it may still be recovered), never overwritten.
  const notice = setAsideUnreadableStore('secrets');
  if (notice) log.warn(`${notice}; add your tokens again in Settings`);
  const store = new ElectronStore<{ tokens: Record<string, string> }>({
    name: 'secrets',
    defaults: { tokens: {} },
  });
  const table = new TokenTable();
  const canEncrypt = safeStorage.isEncryptionAvailable();
  if (!canEncrypt) log.warn('no OS encryption for secrets: tokens are kept for this session only');
  else if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    log.warn(
      'no keyring found: tokens are encrypted with a fixed key only (install a secret service for better protection)',
    );
  }
  if (canEncrypt) {
    for (const [id, sealed] of Object.entries(store.get('tokens'))) {
      try {
        table.set(id, safeStorage.decryptString(Buffer.from(sealed, 'base64')), 'stored');
      } catch {
        log.warn(`a saved token (${id}) cannot be decrypted on this machine; add it again in Settings`);
      }
    }
  }

  if (launchToken && !table.idOf(launchToken)) table.set(LAUNCH_TOKEN_ID, launchToken, 'launch');

  function persist(): void {
    if (!canEncrypt) return;
    const tokens: Record<string, string> = {};
    for (const [id, entry] of table.entries()) {
      if (entry.source === 'stored') tokens[id] = safeStorage.encryptString(entry.token).toString('base64');
    }
    store.set('tokens', tokens);
  }

  return {
    list: () => table.entries().map(([tokenId, e]) => ({ tokenId, source: e.source })),
    get: (tokenId) => table.get(tokenId)?.token,
    put(token) {
      const id = table.idOf(token) ?? newTokenId();
      table.set(id, token, 'stored');
      persist();
      return id;
    },
    remove(tokenId) {
      if (table.delete(tokenId)) persist();
    },
  };
}
