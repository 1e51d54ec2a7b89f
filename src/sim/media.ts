// Serves /media/...: the committed demo files, generated deterministic files of any size, and zips built
// for multi-file downloads. Answers like a CDN: Content-Type, Content-Length, ETag, Accept-Ranges, single
// byte ranges (206 / 416), If-Range, If-None-Match and HEAD. The ignore-range and change-etag faults act here.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_MEDIA_DIR } from './demo-media';
import { generatedChunks } from './generated-bytes';
import { bufferBody, jsonOutgoing, type BodySource, type Outgoing } from './outgoing';

const CONTENT_TYPES: Record<string, string> = {
  mp4: 'video/mp4',
  jpg: 'image/jpeg',
  png: 'image/png',
  zip: 'application/zip',
};

interface MediaFile {
  size: number;
  etag: string;
  contentType: string;
  /** the whole file, when it is held in memory */
  buffer?: Buffer;
  /** bytes [start, endInclusive] */
  slice(start: number, endInclusive: number): BodySource;
}

export type MediaFault = 'ignore-range' | 'change-etag' | null;

function bufferFile(buffer: Buffer, contentType: string, etagPrefix: string): MediaFile {
  const etag = `"${etagPrefix}-${createHash('sha1').update(buffer).digest('hex').slice(0, 20)}"`;
  return {
    size: buffer.length,
    buffer,
    etag,
    contentType,
    slice: (start, end) => bufferBody(buffer.subarray(start, end + 1)),
  };
}

export class MediaStore {
  private readonly demoNames: Set<string>;
  private readonly demoFiles = new Map<string, MediaFile>();
  private readonly zips = new Map<string, MediaFile>();

  constructor() {
    this.demoNames = new Set(
      readdirSync(DEMO_MEDIA_DIR).filter((name) => /^[a-z0-9-]+\.(mp4|jpg|png)$/.test(name)),
    );
  }

  hasDemoFile(name: string): boolean {
    return this.demoNames.has(name);
  }

  demoFile(name: string): MediaFile | undefined {
    if (!this.demoNames.has(name)) return undefined;
    let file = this.demoFiles.get(name);
    if (!file) {
      const ext = name.slice(name.lastIndexOf('.') + 1);
      file = bufferFile(
        readFileSync(join(DEMO_MEDIA_DIR, name)),
        CONTENT_TYPES[ext] ?? 'application/octet-stream',
        'd',
      );
      this.demoFiles.set(name, file);
    }
    return file;
  }

  /** Registers a zip body; returns the name it is served under (/media/zip/NAME). */
  addZip(name: string, buffer: Buffer): string {
    this.zips.set(name, bufferFile(buffer, 'application/zip', 'z'));
    return name;
  }

  private resolve(pathname: string): MediaFile | undefined {
    // /media/demo/<work or input key>/<file>: the key only makes each work's URL its own, like a CDN's.
    let match = /^\/media\/(?:demo|cdn)\/[A-Za-z0-9_-]{1,64}\/([a-z0-9-]+\.(?:mp4|jpg|png))$/.exec(pathname);
    if (match?.[1]) return this.demoFile(match[1]);
    match = /^\/media\/gen\/(\d{1,10})-(\d{1,13})\.(mp4|jpg|png)$/.exec(pathname);
    if (match?.[1] && match[2] && match[3]) {
      const seed = Number(match[1]) >>> 0;
      const size = Number(match[2]);
      return {
        size,
        etag: `"g-${seed}-${size}"`,
        contentType: CONTENT_TYPES[match[3]] ?? 'application/octet-stream',
        slice: (start, end) => ({ length: end - start + 1, chunks: () => generatedChunks(seed, start, end) }),
      };
    }
    match = /^\/media\/zip\/([A-Za-z0-9_-]{1,200})\.zip$/.exec(pathname);
    if (match?.[1]) return this.zips.get(match[1]);
    return undefined;
  }

  serve(
    method: string,
    pathname: string,
    headers: Record<string, string | string[] | undefined>,
    fault: MediaFault,
  ): Outgoing {
    if (method !== 'GET' && method !== 'HEAD') {
      return jsonOutgoing(405, '{"error":"Method not allowed"}', { Allow: 'GET, HEAD' });
    }
    const file = this.resolve(pathname);
    if (!file) return jsonOutgoing(404, '{"error":"Not found"}');
    // change-etag: the file "changed" on the server: a new validator, so If-Range / If-None-Match stop matching.
    const etag = fault === 'change-etag' ? `${file.etag.slice(0, -1)}-changed"` : file.etag;
    const base: Record<string, string> = {
      'Content-Type': file.contentType,
      'Accept-Ranges': 'bytes',
      ETag: etag,
      'Cache-Control': 'public, max-age=86400',
    };
    const ifNoneMatch = headerText(headers['if-none-match']);
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
      return { status: 304, headers: base, body: null };
    }
    const rangeHeader = headerText(headers.range);
    const ifRange = headerText(headers['if-range']);
    const rangeApplies =
      rangeHeader !== undefined && fault !== 'ignore-range' && (!ifRange || ifRange === etag);
    if (rangeApplies) {
      const range = parseRange(rangeHeader, file.size);
      if (range === 'unsatisfiable') {
        return {
          status: 416,
          headers: {
            ...base,
            'Content-Range': `bytes */${file.size}`,
            'Content-Type': 'text/plain; charset=utf-8',
          },
          body: bufferBody(Buffer.from('Requested range not satisfiable\n')),
        };
      }
      if (range) {
        return {
          status: 206,
          headers: { ...base, 'Content-Range': `bytes ${range.start}-${range.end}/${file.size}` },
          body: file.slice(range.start, range.end),
        };
      }
    }
    return {
      status: 200,
      headers: base,
      body: file.size === 0 ? bufferBody(Buffer.alloc(0)) : file.slice(0, file.size - 1),
    };
  }
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * One `bytes=` range → inclusive bounds; 'unsatisfiable' for 416; null when the header is to be ignored
 * (malformed, another unit, or several ranges — RFC 9110 lets a server answer those with the whole file).
 */
export function parseRange(
  header: string,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return null;
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { start, end };
}
