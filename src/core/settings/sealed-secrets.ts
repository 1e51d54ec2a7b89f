// The desktop app's tokens on disk, sealed by the OS (Electron's safeStorage, handed in as a Sealer
// so this file stays free of Electron and testable). How well the OS protects them decides what is
// written: with a keyring, sealed tokens; with Linux's `basic_text` backend (a fixed key, no real
// protection) only when the person chose to keep them so; with no encryption, nothing (this session
// only). The file is the owner's alone (0600, in a 0700 folder).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TokenProtection, WeakTokenStorage } from '../../shared/contract';
import { loadSavedTokens, savedTokensText, tableSecretStore, TokenTable } from './secret-store';
import type { SecretStore } from './secret-store';

export interface Sealer {
  /** 'keychain': the OS keyring; 'weak': encryption with a fixed key; 'none': no encryption at all. */
  readonly protection: Exclude<TokenProtection, 'owner-file'>;
  seal(token: string): string;
  unseal(sealed: string): string;
}

export interface SealedSecretStoreOptions {
  file: string;
  sealer: Sealer;
  /** The API origin at start: tokens saved before tokens were bound to hosts were given for it. */
  origin: string;
  /** The person's choice for weak protection (settings.weakTokenStorage), read at each save. */
  weakStorage: () => WeakTokenStorage;
  /** A token given at launch: kept in memory under LAUNCH_TOKEN_ID unless it is saved already. */
  launchToken?: string | undefined;
  warn: (message: string) => void;
}

/** Writes a file only its owner can read, atomically, in a folder only its owner can enter. */
export function writeOwnerOnly(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, file);
}

export function createSealedSecretStore(options: SealedSecretStoreOptions): SecretStore {
  const { sealer } = options;
  const table = new TokenTable();
  const keepOnDisk = () =>
    sealer.protection === 'keychain' || (sealer.protection === 'weak' && options.weakStorage() !== 'session');

  if (sealer.protection !== 'none' && existsSync(options.file)) {
    let saved: unknown = {};
    try {
      saved = JSON.parse(readFileSync(options.file, 'utf8'));
    } catch {
      options.warn(`the saved tokens in ${options.file} cannot be read; add them again in Settings`);
    }
    loadSavedTokens(table, saved, options.origin, (id, sealed) => {
      try {
        return sealer.unseal(sealed);
      } catch {
        options.warn(`a saved token (${id}) cannot be decrypted on this machine; add it again in Settings`);
        return null;
      }
    });
  }

  /** Saves what may be kept; with weak protection declined, takes the tokens off the disk. */
  function persist(): void {
    if (sealer.protection === 'none') return;
    const entries = keepOnDisk() ? table.entries() : [];
    writeOwnerOnly(
      options.file,
      savedTokensText(entries, (token) => sealer.seal(token)),
    );
  }

  return tableSecretStore(table, {
    persist,
    protection: () => sealer.protection,
    launchToken: options.launchToken,
    launchOrigin: options.origin,
    storageChoiceChanged: persist,
  });
}
