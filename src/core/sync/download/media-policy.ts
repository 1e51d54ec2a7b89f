// Which files the downloader may keep: only the archive's media types (src/shared/media-types.ts).
// The file name's extension comes from a URL the API supplies, so an `.svg` or `.html` there would
// put active content in the library; it is refused before a byte is fetched, with the reason.
import path from 'node:path';
import { MEDIA_EXTENSIONS, extensionOf, mediaContentType } from '../../../shared/media-types';
import { DownloadError } from './errors';

/** Throws DownloadError('unsupported_type') unless `destination` names a media file the archive keeps. */
export function checkMediaDestination(destination: string): void {
  const name = path.basename(destination);
  if (mediaContentType(name) !== null) return;
  const ext = extensionOf(name);
  throw new DownloadError(
    'unsupported_type',
    `Not kept: ${ext ? `.${ext} files are` : 'a file without an extension is'} not media the archive keeps ` +
      `(only ${MEDIA_EXTENSIONS.join(', ')})`,
  );
}

// Types a browser would run or render as a document, whatever the file name says.
const ACTIVE_TYPE = /^(text\/|[^;]*(html|xml|javascript|ecmascript))/i;

/** Throws DownloadError('unsupported_type') when the server labels the body as a document or script. */
export function checkMediaResponseType(contentType: string | null, where: string): void {
  if (contentType === null || !ACTIVE_TYPE.test(contentType.trim())) return;
  throw new DownloadError(
    'unsupported_type',
    `Not kept: ${where} answered ${contentType.split(';')[0]?.trim()}, not a video or an image`,
  );
}
