// Tokens in the app: sealed with Electron's safeStorage in `<userData>/secrets.json` (the file
// electron-store kept before, same shape), by the core's sealed store. How well the OS protects them
// (keyring, Linux's fixed-key `basic_text`, or nothing) is told to Settings, which lets the person
// choose between this session only and the weak protection.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { app, safeStorage } from 'electron';
import { createSealedSecretStore } from '../core/settings/sealed-secrets';
import type { Sealer } from '../core/settings/sealed-secrets';
import type { Logger } from '../core/api';
import type { SecretStore } from '../core/settings';
import type { WeakTokenStorage } from '../shared/contract';
import { setAsideUnreadableStore } from './settings-store';

function sealer(): Sealer {
  const protection = !safeStorage.isEncryptionAvailable()
    ? 'none'
    : process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text'
      ? 'weak'
      : 'keychain';
  return {
    protection,
    seal: (token) => safeStorage.encryptString(token).toString('base64'),
    unseal: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  };
}

export interface AppSecretsOptions {
  /** The API origin at start: tokens saved before tokens were bound to hosts were given for it. */
  origin: string;
  /** The settings' choice for weak protection, read at each save. */
  weakStorage: () => WeakTokenStorage;
  /**
   * USEAPI_TOKEN, as in headless mode (`npm run demo` hands the demo's token over so): kept for this
   * session only, unless the user adds an account with it.
   */
  launchToken?: string | undefined;
}

export function openAppSecrets(log: Logger, options: AppSecretsOptions): SecretStore {
  const folder = app.getPath('userData');
  // The folder holds the sealed tokens and the settings: the owner's only.
  if (process.platform !== 'win32') chmodSync(folder, 0o700);
  // An unreadable file is kept aside (the tokens in it may still be recovered), never overwritten.
  const notice = setAsideUnreadableStore('secrets');
  if (notice) log.warn(`${notice}; add your tokens again in Settings`);
  const seal = sealer();
  if (seal.protection === 'none')
    log.warn('no OS encryption for secrets: tokens are kept for this session only');
  else if (seal.protection === 'weak') log.warn('no keyring found: see Settings for how tokens are kept');
  return createSealedSecretStore({
    file: join(folder, 'secrets.json'),
    sealer: seal,
    origin: options.origin,
    weakStorage: options.weakStorage,
    launchToken: options.launchToken,
    warn: (message) => log.warn(message),
  });
}
