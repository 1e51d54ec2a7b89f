// Retry-After (RFC 9110 §10.2.3) is either a number of seconds or an HTTP-date. useapi.net does not
// promise it, so anything unreadable means "not given" and the caller falls back to its own backoff.

/** Milliseconds to wait, or undefined when the header is absent or unreadable. Never negative. */
export function parseRetryAfter(
  header: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  // delay-seconds is an integer; a fractional value is tolerated because some proxies send one.
  if (/^\d+(\.\d+)?$/.test(value)) {
    const ms = Math.ceil(Number(value) * 1000);
    return Number.isFinite(ms) ? ms : undefined;
  }
  // An HTTP-date always names a weekday or month; Date.parse alone would accept plain garbage like "1 2".
  if (!/[a-z]{3}/i.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
