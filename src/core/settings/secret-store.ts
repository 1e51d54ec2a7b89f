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
