// Options shared by the archive commands (sync, history, verify, rebuild-index): flags, their
// environment fallbacks, and the checks that make a usage error exit 2 before anything is written.
import { existsSync, statSync, accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { DEFAULT_API_BASE } from '../../core/settings/schema';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** stderr is a terminal: draw a progress line instead of plain lines. */
  isTty?: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ParsedArgs {
  flags: Map<string, string>;
  switches: Set<string>;
  positional: string[];
}

/** `--name value`, `--name=value`, boolean `--switch`, and positional arguments. */
export function parseArgs(
  args: readonly string[],
  valued: readonly string[],
  switches: readonly string[],
): ParsedArgs {
  const parsed: ParsedArgs = { flags: new Map(), switches: new Set(), positional: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      parsed.positional.push(...args.slice(i + 1));
      break;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) {
      if (arg.startsWith('-') && arg.length > 1) throw new UsageError(`unknown option '${arg}'`);
      parsed.positional.push(arg);
      continue;
    }
    const name = match[1] ?? '';
    if (switches.includes(name)) {
      if (match[2] !== undefined) throw new UsageError(`--${name} takes no value`);
      parsed.switches.add(name);
    } else if (valued.includes(name)) {
      const value = match[2] ?? args[++i];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      parsed.flags.set(name, value);
    } else {
      throw new UsageError(`unknown option '--${name}'`);
    }
  }
  return parsed;
}

/** The library folder: --library, $KLING_ARCHIVE_LIBRARY, or the desktop app's default. */
export function libraryFolder(args: ParsedArgs, env: NodeJS.ProcessEnv): string {
  const chosen =
    args.flags.get('library') ?? (env.KLING_ARCHIVE_LIBRARY || path.join(homedir(), 'Kling Archive'));
  return path.resolve(chosen);
}

/**
 * Checks that the folder can hold a library without creating anything: it exists as a writable
 * folder, or it does not exist yet and its nearest existing parent is a writable folder.
 */
export function checkLibraryFolder(folder: string, mustExist: boolean): void {
  if (existsSync(folder)) {
    if (!statSync(folder).isDirectory()) throw new UsageError(`the library path ${folder} is not a folder`);
    try {
      accessSync(folder, constants.W_OK);
    } catch {
      throw new UsageError(`the library folder ${folder} is not writable`);
    }
    return;
  }
  if (mustExist) throw new UsageError(`there is no library folder at ${folder}`);
  let parent = path.dirname(folder);
  while (!existsSync(parent) && path.dirname(parent) !== parent) parent = path.dirname(parent);
  if (!statSync(parent).isDirectory()) throw new UsageError(`cannot create the library folder ${folder}`);
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    throw new UsageError(`cannot create the library folder ${folder}: ${parent} is not writable`);
  }
}

export function apiBase(args: ParsedArgs, env: NodeJS.ProcessEnv): string {
  const base = args.flags.get('api-base') ?? (env.KLING_ARCHIVE_API_BASE || DEFAULT_API_BASE);
  try {
    const url = new URL(base);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error();
  } catch {
    throw new UsageError(`--api-base is not an http(s) URL`);
  }
  return base;
}

export function token(args: ParsedArgs, env: NodeJS.ProcessEnv): string {
  const value = (args.flags.get('token') ?? env.USEAPI_TOKEN ?? '').trim();
  if (!value) throw new UsageError('no useapi.net token: pass --token or set USEAPI_TOKEN');
  return value;
}
