// Media URLs in headless mode carry a signature instead of a cookie: `<path>?exp=<s>&sig=<hmac>`,
// the HMAC (keyed with the launch's access key) of the path exactly as requested and the expiry.
// A signed URL opens that one file, for a few hours at most; another port's page, holding no key,
// can neither use nor make one. Expiries are rounded to a window so that the same file keeps the
// same URL (and the browser's cache) while a page is open.
import { hmacSha256, toBase64Url, utf8 } from './hmac-sha256';

/** Expiries fall on these boundaries: a signed URL lives between one and two windows. */
export const MEDIA_URL_WINDOW_MS = 6 * 60 * 60_000;
/** The server refuses expiries further away than this (a URL signed to live for ever). */
export const MEDIA_URL_MAX_LIFETIME_MS = 2 * MEDIA_URL_WINDOW_MS;

/** The expiry (unix seconds) a URL signed at `nowMs` carries. */
export function mediaUrlExpiry(nowMs: number): number {
  return ((Math.floor(nowMs / MEDIA_URL_WINDOW_MS) + 2) * MEDIA_URL_WINDOW_MS) / 1000;
}

/** What is signed: `encodedPath` is the path after `/media/`, percent-encoded as in the URL. */
export function mediaSignatureMessage(encodedPath: string, expiry: number): string {
  return `kling-archive media\n${expiry}\n${encodedPath}`;
}

export function signMediaPath(key: string, encodedPath: string, expiry: number): string {
  return toBase64Url(hmacSha256(utf8(key), utf8(mediaSignatureMessage(encodedPath, expiry))));
}
