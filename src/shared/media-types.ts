// The media the archive keeps and serves: the one list. A library file is data, never code: anything
// else the API points at (an .svg, an .html) is refused at download, and the servers (headless /media
// and Electron's media protocol) answer only these extensions, with the content type written here,
// never one guessed from the bytes.
export const MEDIA_CONTENT_TYPES = {
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
} as const satisfies Record<string, string>;

export type MediaExtension = keyof typeof MEDIA_CONTENT_TYPES;

export const MEDIA_EXTENSIONS = Object.keys(MEDIA_CONTENT_TYPES) as MediaExtension[];

/** The lower-case extension of a file name or path (`clip.MP4` → `mp4`), '' when it has none. */
export function extensionOf(fileName: string): string {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** The content type the archive serves a file with, or null when the file is not media it keeps. */
export function mediaContentType(fileName: string): string | null {
  const ext = extensionOf(fileName);
  return Object.hasOwn(MEDIA_CONTENT_TYPES, ext) ? MEDIA_CONTENT_TYPES[ext as MediaExtension] : null;
}

/**
 * Headers every library file answer carries. The sandbox makes a file opened on its own a document
 * without scripts, plugins or same-origin rights; media-src/img-src let the browser's own viewer show it.
 */
export const MEDIA_RESPONSE_HEADERS = {
  'Content-Security-Policy': "sandbox; default-src 'none'; media-src 'self'; img-src 'self'",
  'X-Content-Type-Options': 'nosniff',
} as const;
