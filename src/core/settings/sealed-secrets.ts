// The desktop app's tokens on disk, sealed by the OS (Electron's safeStorage, handed in as a Sealer
// so this file stays free of Electron and testable). How well the OS protects them decides what is
// written: with a keyring, sealed tokens; with Linux's `basic_text` backend (a fixed key, no real
// protection) only when the person chose to keep them so; with no encryption, nothing (this session
// only). The file is the owner's alone (0600, in a 0700 folder).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TokenProtection, WeakTokenStorage } from '../../shared/contract';
import { LAUNCH_TOKEN_ID, TokenTable } from './secret-store';
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
    let saved: { tokens?: Record<string, unknown>; origins?: Record<string, unknown> } = {};
    try {
      saved = JSON.parse(readFileSync(options.file, 'utf8')) as typeof saved;
    } catch {
      options.warn(`the saved tokens in ${options.file} cannot be read; add them again in Settings`);
    }
    for (const [id, sealed] of Object.entries(saved.tokens ?? {})) {
      if (typeof sealed !== 'string') continue;
      try {
        const origin = saved.origins?.[id];
        table.set(id, {
          token: sealer.unseal(sealed),
          source: 'stored',
          origin: typeof origin === 'string' ? origin : options.origin,
        });
      } catch {
        options.warn(`a saved token (${id}) cannot be decrypted on this machine; add it again in Settings`);
      }
    }
  }

  if (options.launchToken && !table.idOf(options.launchToken)) {
    table.set(LAUNCH_TOKEN_ID, { token: options.launchToken, source: 'launch', origin: options.origin });
  }

  /** Saves what may be kept; with weak protection declined, takes the tokens off the disk. */
  function persist(): void {
    if (sealer.protection === 'none') return;
    const stored = keepOnDisk() ? table.entries().filter(([, e]) => e.source === 'stored') : [];
    const tokens = Object.fromEntries(stored.map(([id, e]) => [id, sealer.seal(e.token)]));
    const origins = Object.fromEntries(stored.map(([id, e]) => [id, e.origin]));
    writeOwnerOnly(options.file, `${JSON.stringify({ tokens, origins }, null, 2)}\n`);
  }

  return {
    list: () => table.list(),
    get: (tokenId) => table.get(tokenId)?.token,
    tokenFor: (tokenId, origin) => table.tokenFor(tokenId, origin),
    put(token, origin) {
      const id = table.putStored(token, origin);
      persist();
      return id;
    },
    remove(tokenId) {
      if (table.delete(tokenId)) persist();
    },
    protection: () => sealer.protection,
    storageChoiceChanged: persist,
  };
}
