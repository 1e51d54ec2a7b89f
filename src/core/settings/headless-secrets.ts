// Headless mode's tokens: one given at launch (USEAPI_TOKEN, --token, or --token-file), never saved,
// plus those added in the UI, saved in `<configDir>/tokens.json` readable by its owner only.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeOwnerOnly } from './sealed-secrets';
import { loadSavedTokens, savedTokensText, tableSecretStore, TokenTable } from './secret-store';
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
    loadSavedTokens(table, saved, options.origin, (_id, token) => token);
  }
  return tableSecretStore(table, {
    persist: () => writeOwnerOnly(options.file, savedTokensText(table.entries())),
    protection: () => 'owner-file',
    launchToken: options.launchToken,
    launchOrigin: options.origin,
    // The launch token is not the UI's to forget: it came with the command line and goes with it.
    removable: (entry) => entry.source === 'stored',
  });
}
