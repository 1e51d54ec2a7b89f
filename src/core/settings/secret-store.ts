// Where tokens live, apart from the settings: the app encrypts them with the OS keychain
// (src/main/secrets.ts); headless mode keeps them in an owner-only file and takes one at launch.
import { randomUUID } from 'node:crypto';

export type TokenSource = 'stored' | 'launch';

export interface SecretStore {
  list(): { tokenId: string; source: TokenSource }[];
  get(tokenId: string): string | undefined;
  /** Saves a token and answers its id; the same token always gets the same id. */
  put(token: string): string;
  /** Forgets a stored token (launch tokens stay until the process ends). */
  remove(tokenId: string): void;
}

export function newTokenId(): string {
  return `t${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

/** The in-memory part every store shares: tokens by id, lookup by value. */
export class TokenTable {
  private readonly byId = new Map<string, { token: string; source: TokenSource }>();

  entries(): [string, { token: string; source: TokenSource }][] {
    return [...this.byId.entries()];
  }

  idOf(token: string): string | undefined {
    for (const [id, entry] of this.byId) if (entry.token === token) return id;
    return undefined;
  }

  set(id: string, token: string, source: TokenSource): void {
    this.byId.set(id, { token, source });
  }

  get(id: string): { token: string; source: TokenSource } | undefined {
    return this.byId.get(id);
  }

  delete(id: string): boolean {
    return this.byId.delete(id);
  }
}
