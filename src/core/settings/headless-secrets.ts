// Headless mode's tokens: one given at launch (USEAPI_TOKEN, --token, or --token-file), never saved,
// plus those added in the UI, saved in `<configDir>/tokens.json` readable by its owner only.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeOwnerOnly } from './sealed-secrets';
import { LAUNCH_TOKEN_ID, TokenTable } from './secret-store';
import type { SecretStore } from './secret-store';

export { LAUNCH_TOKEN_ID } from './secret-store';

export class TokenFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenFileError';
  }
}

/** Refuses a token file that others can read or write: a token is as good as a password. */
export function assertOwnerOnly(file: string): void {
  if (process.platform === 'win32') return;
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new TokenFileError(
      `The token file ${file} can be read by other users (mode ${mode.toString(8).padStart(3, '0')}). ` +
        `Run: chmod 600 '${file}'`,
    );
  }
}

/** Reads a file holding one token (its first non-empty line). */
export function readTokenFile(file: string): string {
  if (!existsSync(file)) throw new TokenFileError(`The token file ${file} does not exist.`);
  assertOwnerOnly(file);
  const token = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line.length > 0);
  if (!token) throw new TokenFileError(`The token file ${file} is empty.`);
  return token;
}

export interface LaunchTokenSources {
  env?: NodeJS.ProcessEnv;
  flagToken?: string | undefined;
  flagTokenFile?: string | undefined;
}

/** The launch token, in order of precedence: --token-file, --token, USEAPI_TOKEN. */
export function launchToken({
  env = process.env,
  flagToken,
  flagTokenFile,
}: LaunchTokenSources): string | undefined {
  if (flagTokenFile) return readTokenFile(flagTokenFile);
  if (flagToken?.trim()) return flagToken.trim();
  const fromEnv = env['USEAPI_TOKEN']?.trim();
  return fromEnv || undefined;
}

export function createHeadlessSecretStore(options: {
  file: string;
  launchToken?: string | undefined;
  /** The API origin at launch: the launch token is given for it, and older files' tokens were saved for it. */
  origin: string;
}): SecretStore {
  const table = new TokenTable();
  if (existsSync(options.file)) {
    assertOwnerOnly(options.file);
    let saved: unknown;
    try {
      saved = JSON.parse(readFileSync(options.file, 'utf8'));
    } catch {
      throw new TokenFileError(`The token file ${options.file} is not valid JSON; fix or remove it.`);
    }
    const { tokens, origins } = saved as { tokens?: unknown; origins?: unknown };
    const originOf = (id: string) => {
      const origin =
        typeof origins === 'object' && origins !== null ? (origins as Record<string, unknown>)[id] : null;
      return typeof origin === 'string' ? origin : options.origin;
    };
    if (typeof tokens === 'object' && tokens !== null) {
      for (const [id, token] of Object.entries(tokens))
        if (typeof token === 'string') table.set(id, { token, source: 'stored', origin: originOf(id) });
    }
  }
  if (options.launchToken && !table.idOf(options.launchToken)) {
    table.set(LAUNCH_TOKEN_ID, { token: options.launchToken, source: 'launch', origin: options.origin });
  }

  function persist(): void {
    const stored = table.entries().filter(([, e]) => e.source === 'stored');
    const tokens = Object.fromEntries(stored.map(([id, e]) => [id, e.token]));
    const origins = Object.fromEntries(stored.map(([id, e]) => [id, e.origin]));
    writeOwnerOnly(options.file, `${JSON.stringify({ tokens, origins }, null, 2)}\n`);
  }

  return {
    list: () => table.list(),
    get: (tokenId) => table.get(tokenId)?.token,
    tokenFor: (tokenId, origin) => table.tokenFor(tokenId, origin),
    protection: () => 'owner-file',
    put(token, origin) {
      const id = table.putStored(token, origin);
      persist();
      return id;
    },
    remove(tokenId) {
      if (table.get(tokenId)?.source !== 'stored') return;
      table.delete(tokenId);
      persist();
    },
  };
}
