// Where tokens live, apart from the settings: the app encrypts them with the OS keychain
// (src/main/secrets.ts); headless mode keeps them in an owner-only file and takes one at launch.
// Every token is bound to the API origin it was given for: pointing the API base elsewhere makes it
// unusable (never sent) until it is entered again for the new host.
import { randomUUID } from 'node:crypto';
import type { TokenProtection } from '../../shared/contract';

export type TokenSource = 'stored' | 'launch';

/** The id of the token given at launch (environment, flag or file); never the id of a saved token. */
export const LAUNCH_TOKEN_ID = 'launch';

export interface SecretStore {
  list(): { tokenId: string; source: TokenSource; origin: string }[];
  /** The token itself, for masking and redaction. To send it anywhere, use `tokenFor`. */
  get(tokenId: string): string | undefined;
  /** The token when it was given for `origin` (the API's scheme://host:port); undefined otherwise. */
  tokenFor(tokenId: string, origin: string): string | undefined;
  /**
   * Saves a token for an API origin and answers its id; the same token always gets the same id
   * (entered again for another origin, it moves there).
   */
  put(token: string, origin: string): string;
  /** Forgets a stored token (launch tokens stay until the process ends). */
  remove(tokenId: string): void;
  /** How the tokens are kept at rest (shown in Settings). */
  protection(): TokenProtection;
  /** The person changed settings.weakTokenStorage: save (or take off the disk) accordingly. */
  storageChoiceChanged?(): void;
}

export function newTokenId(): string {
  return `t${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

export interface TokenEntry {
  token: string;
  source: TokenSource;
  origin: string;
}

/** The in-memory part every store shares: tokens by id, lookup by value. */
export class TokenTable {
  private readonly byId = new Map<string, TokenEntry>();

  entries(): [string, TokenEntry][] {
    return [...this.byId.entries()];
  }

  /** The id of a token with this value, the stored one first. */
  idOf(token: string, source?: TokenSource): string | undefined {
    for (const [id, entry] of this.byId)
      if (entry.token === token && (source === undefined || entry.source === source)) return id;
    return undefined;
  }

  set(id: string, entry: TokenEntry): void {
    this.byId.set(id, entry);
  }

  get(id: string): TokenEntry | undefined {
    return this.byId.get(id);
  }

  tokenFor(id: string, origin: string): string | undefined {
    const entry = this.byId.get(id);
    return entry && entry.origin === origin ? entry.token : undefined;
  }

  delete(id: string): boolean {
    return this.byId.delete(id);
  }

  list(): { tokenId: string; source: TokenSource; origin: string }[] {
    return this.entries().map(([tokenId, e]) => ({ tokenId, source: e.source, origin: e.origin }));
  }

  /**
   * Saves `token` for `origin` as a stored token: its stored id when it has one, else a new id (never
   * the launch id, which the next start gives to whatever token it is handed). A launch entry with
   * the same value is dropped: the stored one replaces it.
   */
  putStored(token: string, origin: string): string {
    const id = this.idOf(token, 'stored') ?? newTokenId();
    this.byId.set(id, { token, source: 'stored', origin });
    const launch = this.idOf(token, 'launch');
    if (launch) this.byId.delete(launch);
    return id;
  }
}

/**
 * Puts the tokens a tokens file saved (`{ tokens: id → value, origins: id → origin }`) in `table`;
 * `open` turns a saved value into the token (null: skip it). A token saved before tokens were bound
 * to hosts is given for `defaultOrigin`.
 */
export function loadSavedTokens(
  table: TokenTable,
  saved: unknown,
  defaultOrigin: string,
  open: (id: string, value: string) => string | null,
): void {
  const { tokens, origins } = (typeof saved === 'object' && saved !== null ? saved : {}) as {
    tokens?: unknown;
    origins?: unknown;
  };
  if (typeof tokens !== 'object' || tokens === null) return;
  const originOf = (id: string) => {
    const origin =
      typeof origins === 'object' && origins !== null ? (origins as Record<string, unknown>)[id] : null;
    return typeof origin === 'string' ? origin : defaultOrigin;
  };
  for (const [id, value] of Object.entries(tokens)) {
    if (typeof value !== 'string') continue;
    const token = open(id, value);
    if (token !== null) table.set(id, { token, source: 'stored', origin: originOf(id) });
  }
}

/** The tokens file's text for the stored tokens of `table` (`save` turns a token into what is written). */
export function savedTokensText(
  entries: readonly [string, TokenEntry][],
  save: (token: string) => string = (token) => token,
): string {
  const stored = entries.filter(([, entry]) => entry.source === 'stored');
  const tokens = Object.fromEntries(stored.map(([id, entry]) => [id, save(entry.token)]));
  const origins = Object.fromEntries(stored.map(([id, entry]) => [id, entry.origin]));
  return `${JSON.stringify({ tokens, origins }, null, 2)}\n`;
}

export interface TableStoreOptions {
  /** Saves the table after a change. */
  persist: () => void;
  protection: () => TokenProtection;
  /** A launch token given again is kept in memory under LAUNCH_TOKEN_ID unless it is saved already. */
  launchToken?: string | undefined;
  launchOrigin: string;
  /** Whether `remove` may forget this entry (default: any). */
  removable?: (entry: TokenEntry) => boolean;
  storageChoiceChanged?: () => void;
}

/** The SecretStore over a table of tokens, the part every store answers the same way. */
export function tableSecretStore(table: TokenTable, options: TableStoreOptions): SecretStore {
  if (options.launchToken && !table.idOf(options.launchToken)) {
    table.set(LAUNCH_TOKEN_ID, {
      token: options.launchToken,
      source: 'launch',
      origin: options.launchOrigin,
    });
  }
  return {
    list: () => table.list(),
    get: (tokenId) => table.get(tokenId)?.token,
    tokenFor: (tokenId, origin) => table.tokenFor(tokenId, origin),
    protection: options.protection,
    put(token, origin) {
      const id = table.putStored(token, origin);
      options.persist();
      return id;
    },
    remove(tokenId) {
      const entry = table.get(tokenId);
      if (!entry || (options.removable && !options.removable(entry))) return;
      table.delete(tokenId);
      options.persist();
    },
    ...(options.storageChoiceChanged ? { storageChoiceChanged: options.storageChoiceChanged } : {}),
  };
}
