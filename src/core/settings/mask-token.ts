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

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The shortest base64 run worth scrubbing: shorter ones could be chance matches in other data. */
const MIN_BASE64_RUN = 8;

/**
 * The base64 text a secret turns into inside any longer base64 string (standard and URL alphabets):
 * for each of the three alignments, the characters that depend on the secret's bytes alone.
 */
export function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>();
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes])
      .toString('base64')
      .replace(/=+$/, '');
    // Groups of 3 bytes are 4 characters: skip the first group when it mixes in the bytes before,
    // and the last when it mixes in the bytes after.
    const start = offset === 0 ? 0 : 4;
    const end =
      (offset + bytes.length) % 3 === 0 ? encoded.length : Math.floor((offset + bytes.length) / 3) * 4;
    const stable = encoded.slice(start, end);
    if (stable.length >= MIN_BASE64_RUN) {
      forms.add(stable);
      forms.add(stable.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...forms];
}

/** Every form of a secret we can produce in text: as is, in any case, URL-encoded, base64. */
function secretPatterns(secret: string): RegExp[] {
  const plain = [secret, encodeURIComponent(secret), encodeURIComponent(encodeURIComponent(secret))];
  // Case-folded: an echo in upper or lower case, and %3a as well as %3A.
  const folded = new RegExp([...new Set(plain)].map(escapeRegExp).join('|'), 'gi');
  const base64 = base64Forms(secret);
  return base64.length > 0 ? [folded, new RegExp(base64.map(escapeRegExp).join('|'), 'g')] : [folded];
}

/** Replaces every given secret (in every form above) and anything token-shaped with its masked form. */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    if (secret.length < 8) {
      out = out.split(secret).join(maskToken(secret)); // too short to fold safely
      continue;
    }
    for (const pattern of secretPatterns(secret)) out = out.replace(pattern, maskToken(secret));
  }
  return out.replace(TOKEN_PATTERN, (match) => maskToken(match)).replace(/(Bearer\s+)\S+/gi, '$1…');
}
