// Checks a signed media URL (`?exp=&sig=`, see src/shared/media-signature.ts) with node:crypto.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { MEDIA_URL_MAX_LIFETIME_MS, mediaSignatureMessage } from '../shared/media-signature';

/** True when `sig` is the launch key's signature of this exact path and `exp`, and `exp` is near and ahead. */
export function mediaSignatureValid(
  key: string,
  encodedPath: string,
  query: URLSearchParams,
  nowMs: number,
): boolean {
  const exp = query.get('exp') ?? '';
  const sig = query.get('sig') ?? '';
  if (!/^\d{1,12}$/.test(exp) || !/^[\w-]{43}$/.test(sig)) return false;
  const expiresAt = Number(exp) * 1000;
  if (expiresAt <= nowMs || expiresAt - nowMs > MEDIA_URL_MAX_LIFETIME_MS) return false;
  const expected = createHmac('sha256', key)
    .update(mediaSignatureMessage(encodedPath, Number(exp)))
    .digest();
  return timingSafeEqual(Buffer.from(sig, 'base64url'), expected);
}
