// The API base URL is configurable (settings, --api-base, KLING_ARCHIVE_API_BASE) so the app can talk to
// the simulator. People paste it in many shapes — with a trailing slash, with or without `/v1/kling` —
// and all of them must land on the same `<origin>[/prefix]/v1/kling` root.

import { isIP } from 'node:net';
import { DEFAULT_API_BASE } from '../settings/schema';

/** This machine's names: the only hosts plain http may reach (the simulator, tests). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

const API_ROOT = '/v1/kling';

export type BaseUrlResult = { ok: true; apiRoot: string } | { ok: false; problem: string };

/**
 * Turns a configured base URL into the API root every path is appended to, e.g.
 * `https://api.useapi.net/` → `https://api.useapi.net/v1/kling`. Only http and https are accepted;
 * credentials, a query or a fragment in the base URL are refused (the token travels in a header only).
 */
export function resolveApiRoot(baseUrl: string = DEFAULT_API_BASE): BaseUrlResult {
  const trimmed = baseUrl.trim();
  if (trimmed === '') return { ok: false, problem: 'The API base URL is empty.' };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, problem: `The API base URL "${trimmed}" is not a valid URL.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      ok: false,
      problem: `The API base URL must start with https:// (got ${url.protocol}).`,
    };
  }
  // Tokens travel to this host in a header: plain http is for this machine only.
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return {
      ok: false,
      problem: `The API base URL must use https:// (plain http:// is allowed for this machine only, got ${url.host}).`,
    };
  }
  // Never echo credentials back: they may be a token pasted into the wrong field.
  if (url.username || url.password) {
    return { ok: false, problem: 'The API base URL must not contain a user name or password.' };
  }
  if (url.search || url.hash) {
    return { ok: false, problem: 'The API base URL must not contain a query (?…) or fragment (#…).' };
  }
  let path = url.pathname.replace(/\/+$/, '');
  if (/\/v1\/kling$/i.test(path)) path = path.slice(0, -API_ROOT.length);
  else if (/\/v1$/i.test(path)) path = path.slice(0, -'/v1'.length);
  return { ok: true, apiRoot: `${url.origin}${path}${API_ROOT}` };
}

/**
 * The origin (scheme://host:port) tokens are bound to for this API base; the base itself when it does
 * not resolve (then it matches no token's origin, and no token is sent).
 */
export function apiOrigin(baseUrl: string): string {
  const root = resolveApiRoot(baseUrl);
  return root.ok ? new URL(root.apiRoot).origin : `invalid:${baseUrl}`;
}
