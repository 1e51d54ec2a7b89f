// Tokens in the app: encrypted with the OS keychain (Electron safeStorage) and kept in their own
// store, apart from the settings. Without OS encryption they are kept for this session only.
import { safeStorage } from 'electron';
import ElectronStore from 'electron-store';
import { TokenTable } from '../core/settings';
import type { Logger } from '../core/api';
import type { SecretStore } from '../core/settings';

/** `origin`: the API origin at start; tokens saved before tokens were bound to hosts were given for it. */
export function openAppSecrets(log: Logger, origin: string): SecretStore {
  const store = new ElectronStore<{ tokens: Record<string, string>; origins: Record<string, string> }>({
    name: 'secrets',
    defaults: { tokens: {}, origins: {} },
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
    const origins = store.get('origins');
    for (const [id, sealed] of Object.entries(store.get('tokens'))) {
      try {
        const token = safeStorage.decryptString(Buffer.from(sealed, 'base64'));
        table.set(id, { token, source: 'stored', origin: origins[id] ?? origin });
      } catch {
        log.warn(`a saved token (${id}) cannot be decrypted on this machine; add it again in Settings`);
      }
    }
  }

  function persist(): void {
    if (!canEncrypt) return;
    const tokens: Record<string, string> = {};
    const origins: Record<string, string> = {};
    for (const [id, entry] of table.entries()) {
      if (entry.source !== 'stored') continue;
      tokens[id] = safeStorage.encryptString(entry.token).toString('base64');
      origins[id] = entry.origin;
    }
    store.set({ tokens, origins });
  }

  return {
    list: () => table.list(),
    get: (tokenId) => table.get(tokenId)?.token,
    tokenFor: (tokenId, tokenOrigin) => table.tokenFor(tokenId, tokenOrigin),
    put(token, tokenOrigin) {
      const id = table.putStored(token, tokenOrigin);
      persist();
      return id;
    },
    remove(tokenId) {
      if (table.delete(tokenId)) persist();
    },
  };
}
