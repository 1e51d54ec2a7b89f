// `kling-media://library/<path>`: library files for <video> and <img>, with byte ranges so videos
// seek, and nothing outside the library (the same containment module the headless server uses).
// The same media rules too: only the archive's media types, sandboxed, content type from our list.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { protocol } from 'electron';
import type { CustomScheme } from 'electron';
import { MEDIA_SCHEME } from '../shared/contract/names';
import { answerFileRequest } from '../core/media/serve-file';

/** Registered as privileged with the app's own scheme (schemes.ts): stream, so videos seek. */
export const MEDIA_SCHEME_ENTRY: CustomScheme = {
  scheme: MEDIA_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
};

export function handleMediaProtocol(libraryFolder: () => string): void {
  protocol.handle(MEDIA_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return new Response('Method not allowed', { status: 405 });
    const url = new URL(request.url);
    if (url.host !== 'library') return new Response('Not found', { status: 404 });
    const answer = await answerFileRequest(
      libraryFolder(),
      url.pathname.slice(1),
      request.headers.get('range'),
      'media',
    );
    if (!('absolutePath' in answer))
      return new Response(answer.message, { status: answer.status, headers: answer.headers });
    const empty = request.method === 'HEAD' || answer.end < answer.start;
    const body = empty
      ? null
      : (Readable.toWeb(
          createReadStream(answer.absolutePath, { start: answer.start, end: answer.end }),
        ) as ReadableStream);
    return new Response(body, { status: answer.status, headers: answer.headers });
  });
}
