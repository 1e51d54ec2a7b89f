// The only form in which a token ever leaves the process that holds it.

/** `user:1234…abcd` for useapi.net tokens; a shorter hint for anything else. */
export function maskToken(token: string): string {
  const t = token.trim();
  if (t.length < 16) return `…${t.slice(-2)}`;
  const head = t.startsWith('user:') ? t.slice(0, 9) : t.slice(0, 4);
  return `${head}…${t.slice(-4)}`;
}

/** Anything shaped like a useapi.net token, for scrubbing text that may quote one. */
export const TOKEN_PATTERN = /user:\d+-[A-Za-z0-9_-]{4,}/g;

/** Replaces every given secret and anything token-shaped with its masked form. */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(maskToken(secret));
  }
  return out.replace(TOKEN_PATTERN, (match) => maskToken(match)).replace(/(Bearer\s+)\S+/gi, '$1…');
}
