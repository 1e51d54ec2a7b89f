// The page signs media URLs with a plain-TypeScript HMAC-SHA-256; the server checks with node:crypto.
// Both must give the same bytes for every length around the block edges, and the expiry windows hold.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256, sha256, toBase64Url, utf8 } from '../../src/shared/hmac-sha256';
import {
  MEDIA_URL_MAX_LIFETIME_MS,
  MEDIA_URL_WINDOW_MS,
  mediaUrlExpiry,
  signMediaPath,
} from '../../src/shared/media-signature';
import { mediaSignatureValid } from '../../src/server/media-access';

describe('sha256 and hmacSha256', () => {
  it('match node:crypto for lengths across the block boundaries', () => {
    for (const length of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000]) {
      const data = randomBytes(length);
      expect(Buffer.from(sha256(data)).toString('hex'), `sha ${length}`).toBe(
        createHash('sha256').update(data).digest('hex'),
      );
      for (const keyLength of [0, 16, 64, 65, 100]) {
        const key = randomBytes(keyLength);
        expect(Buffer.from(hmacSha256(key, data)).toString('hex'), `hmac ${length}/${keyLength}`).toBe(
          createHmac('sha256', key).update(data).digest('hex'),
        );
      }
    }
  });

  it('encodes UTF-8 like Node', () => {
    const text = 'a é ☃ 𝄞 \u0000 ~';
    expect(Buffer.from(utf8(text)).equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  it('writes base64url like Node', () => {
    for (const length of [0, 1, 2, 3, 31, 32, 33]) {
      const data = randomBytes(length);
      expect(toBase64Url(data)).toBe(data.toString('base64url'));
    }
  });
});

describe('media URL signatures', () => {
  const key = 'launch-key-0123456789abcdefghijklmnop';

  it('a signature the page makes is one the server accepts, for that path only', () => {
    const now = Date.UTC(2026, 0, 1, 13, 30);
    const expiry = mediaUrlExpiry(now);
    const sig = signMediaPath(key, 'a/task%201/v.mp4', expiry);
    const query = new URLSearchParams({ exp: String(expiry), sig });
    expect(mediaSignatureValid(key, 'a/task%201/v.mp4', query, now)).toBe(true);
    expect(mediaSignatureValid(key, 'a/task%201/w.mp4', query, now)).toBe(false);
    expect(mediaSignatureValid(`${key}x`, 'a/task%201/v.mp4', query, now)).toBe(false);
  });

  it('expiries fall on window boundaries, one to two windows ahead, within the server limit', () => {
    for (const now of [0, 1, MEDIA_URL_WINDOW_MS - 1, MEDIA_URL_WINDOW_MS, Date.UTC(2026, 5, 1, 23, 59)]) {
      const expiresAt = mediaUrlExpiry(now) * 1000;
      expect(expiresAt % MEDIA_URL_WINDOW_MS).toBe(0);
      expect(expiresAt - now).toBeGreaterThan(MEDIA_URL_WINDOW_MS);
      expect(expiresAt - now).toBeLessThanOrEqual(MEDIA_URL_MAX_LIFETIME_MS);
    }
    expect(mediaUrlExpiry(1000)).toBe(mediaUrlExpiry(MEDIA_URL_WINDOW_MS - 1));
  });
});
