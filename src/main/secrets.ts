// Tokens in the app: encrypted with the OS keychain (Electron safeStorage) and kept in their own
// store, apart from the settings. Without OS encryption they are kept for this session only.
import { safeStorage } from 'electron';
import ElectronStore from 'electron-store';
import { newTokenId, TokenTable } from '../core/settings';
import type { Logger } from '../core/api';
import type { SecretStore } from '../core/settings';

export function openAppSecrets(log: Logger): SecretStore {
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
