// Which URLs the downloader may fetch: https anywhere, plain http only on this machine (the simulator
// and tests). Checked for the first URL and again for every redirect hop.
import { isLoopbackHost } from '../../useapi/base-url';
import { DownloadError } from './errors';

const MAX_URL_LENGTH = 8192;

/** The parsed URL when the downloader may fetch it; a DownloadError('unsafe_url') otherwise. */
export function checkDownloadUrl(raw: string, base?: URL): URL {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL_LENGTH) {
    throw new DownloadError('unsafe_url', 'Refusing an empty or over-long download URL');
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) {
    throw new DownloadError('unsafe_url', 'Refusing a download URL with control characters');
  }
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new DownloadError('unsafe_url', 'Refusing a download URL that does not parse');
  }
  if (url.username || url.password) {
    throw new DownloadError('unsafe_url', 'Refusing a download URL with embedded credentials');
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  const scheme = url.protocol.replace(/:$/, '');
  throw new DownloadError(
    'unsafe_url',
    url.protocol === 'http:'
      ? `Refusing plain http to ${url.hostname}: only https (or http on this machine) is allowed`
      : `Refusing the '${scheme}' URL scheme: only https is allowed`,
  );
}
