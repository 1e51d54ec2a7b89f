// The API base URL is configurable (settings, --api-base, KLING_ARCHIVE_API_BASE) so the app can talk to
// the simulator. People paste it in many shapes — with a trailing slash, with or without `/v1/kling` —
// and all of them must land on the same `<origin>[/prefix]/v1/kling` root.

import { DEFAULT_API_BASE } from '../settings/schema';

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
      problem: `The API base URL must start with http:// or https:// (got ${url.protocol}).`,
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
