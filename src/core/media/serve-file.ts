// Serving a file from inside one folder (the library, or the built renderer) and nothing else, with
// byte ranges so that videos seek. Used by the Electron media protocol and the headless server alike.
// Hand-written rather than the `send` package: the Electron protocol answers a fetch-style Response,
// not a Node ServerResponse, and one module must hold the containment and media rules for both doors.
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { MEDIA_RESPONSE_HEADERS, mediaContentType } from '../../shared/media-types';

export type Resolved =
  | { ok: true; absolutePath: string; size: number; mtimeMs: number }
  | { ok: false; status: 400 | 403 | 404; reason: string };

const WINDOWS_DRIVE = /^[A-Za-z]:/;

/** Splits a request path into checked segments, or says why it is refused. */
export function splitRequestPath(requestPath: string, encoded: boolean): string[] | { reason: string } {
  if (requestPath.length === 0) return { reason: 'empty path' };
  if (requestPath.startsWith('/') || requestPath.startsWith('\\')) return { reason: 'absolute path' };
  const segments: string[] = [];
  for (const raw of requestPath.split('/')) {
    let segment = raw;
    if (encoded) {
      try {
        segment = decodeURIComponent(raw);
      } catch {
        return { reason: 'malformed percent-encoding' };
      }
      if (segment.includes('/')) return { reason: 'encoded path separator' };
    }
    if (segment.length === 0) return { reason: 'empty path segment' };
    if (segment === '.' || segment === '..') return { reason: 'relative path segment' };
    if (segment.includes('\0')) return { reason: 'NUL in path' };
    if (segment.includes('\\')) return { reason: 'backslash in path' };
    if (segments.length === 0 && WINDOWS_DRIVE.test(segment)) return { reason: 'absolute path' };
    segments.push(segment);
  }
  return segments;
}

export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative.length > 0 && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** `.kling-archive/` (the index) and every other dot-file or dot-folder belong to the app or the OS. */
export function isHidden(segments: readonly string[]): boolean {
  return segments.some((segment) => segment.startsWith('.'));
}

/**
 * Resolves `requestPath` (relative, `/`-separated; percent-encoded when `encoded`) under `root`.
 * The real path of the file (symlinks followed) must lie inside the real path of the root.
 */
export async function resolveContainedFile(
  root: string,
  requestPath: string,
  encoded = false,
): Promise<Resolved> {
  const segments = splitRequestPath(requestPath, encoded);
  if (!Array.isArray(segments)) return { ok: false, status: 400, reason: segments.reason };
  if (isHidden(segments))
    return { ok: false, status: 404, reason: 'hidden files and folders are not served' };
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    return { ok: false, status: 404, reason: 'the folder does not exist' };
  }
  const candidate = path.join(realRoot, ...segments);
  if (!isInside(realRoot, candidate)) return { ok: false, status: 403, reason: 'outside the folder' };
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return { ok: false, status: 404, reason: 'no such file' };
  }
  if (!isInside(realRoot, real)) return { ok: false, status: 403, reason: 'points outside the folder' };
  if (isHidden(path.relative(realRoot, real).split(path.sep)))
    return { ok: false, status: 403, reason: 'points into a hidden folder' };
  const info = await stat(real);
  if (!info.isFile()) return { ok: false, status: 404, reason: 'not a file' };
  return { ok: true, absolutePath: real, size: info.size, mtimeMs: info.mtimeMs };
}

export type RangeRequest =
  { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

/** One `bytes=` range (a-b, a-, -n). Syntax we do not serve (several ranges, other units) means the whole file. */
export function parseRange(header: string | undefined | null, size: number): RangeRequest {
  if (!header) return { kind: 'full' };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return { kind: 'full' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || (last !== '' && Number(last) < start)) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

/** The built renderer's own files (the app's code, served with the app's CSP). */
const APP_CONTENT_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.json': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function appContentTypeOf(filePath: string): string {
  return APP_CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * What is served from the folder: `media` (the library: only the archive's media types, each answer
 * sandboxed) or `app` (the built renderer).
 */
export type ServedFolder = 'media' | 'app';

export type FileAnswer =
  | { status: 200 | 206; headers: Record<string, string>; absolutePath: string; start: number; end: number }
  | { status: 400 | 403 | 404 | 416; headers: Record<string, string>; message: string };

/** Status, headers and byte span for a GET/HEAD of a file under `root`. The caller streams the span. */
export async function answerFileRequest(
  root: string,
  requestPath: string,
  rangeHeader: string | undefined | null,
  folder: ServedFolder,
): Promise<FileAnswer> {
  const base: Record<string, string> = {
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
    ...(folder === 'media' ? MEDIA_RESPONSE_HEADERS : {}),
  };
  const resolved = await resolveContainedFile(root, requestPath, true);
  const refused = (status: 400 | 403 | 404, message: string): FileAnswer => ({
    status,
    headers: { ...base, 'Content-Type': 'text/plain; charset=utf-8' },
    message,
  });
  if (!resolved.ok) return refused(resolved.status, resolved.reason);
  const contentType =
    folder === 'media' ? mediaContentType(resolved.absolutePath) : appContentTypeOf(resolved.absolutePath);
  if (contentType === null) return refused(403, 'not a media file the archive serves');
  const headers: Record<string, string> = {
    ...base,
    'Content-Type': contentType,
    'Accept-Ranges': 'bytes',
    'Last-Modified': new Date(resolved.mtimeMs).toUTCString(),
  };
  const range = parseRange(rangeHeader, resolved.size);
  if (range.kind === 'unsatisfiable') {
    return {
      status: 416,
      headers: {
        ...headers,
        'Content-Range': `bytes */${resolved.size}`,
        'Content-Type': 'text/plain; charset=utf-8',
      },
      message: 'range not satisfiable',
    };
  }
  if (range.kind === 'partial') {
    return {
      status: 206,
      headers: {
        ...headers,
        'Content-Range': `bytes ${range.start}-${range.end}/${resolved.size}`,
        'Content-Length': String(range.end - range.start + 1),
      },
      absolutePath: resolved.absolutePath,
      start: range.start,
      end: range.end,
    };
  }
  return {
    status: 200,
    headers: { ...headers, 'Content-Length': String(resolved.size) },
    absolutePath: resolved.absolutePath,
    start: 0,
    end: resolved.size - 1,
  };
}
