// Downloads ONE file into the library the careful way: stream to `<final>.part` with backpressure
// (memory stays flat however large the file), SHA-256 while streaming, resume with a Range request,
// check the announced length, fsync, rename atomically, fsync the folder. A file is either complete
// at its final name or absent there; never half.
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, stat } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { DownloadError, describeUrl } from './errors';
import { createStreamHash, type StreamHash } from './parallel-sha256';
import {
  ifRangeValue,
  partPath,
  readPartValidator,
  removePartFiles,
  writePartValidator,
  type PartValidator,
} from './part-state';
import { receiveBody } from './receive-body';
import { checkMediaDestination, checkMediaResponseType } from './media-policy';
import { checkDownloadUrl } from './url-policy';

export interface DownloadProgress {
  bytesDone: number;
  bytesTotal: number | null;
  /** Smoothed rate over the last moments. */
  bytesPerSecond: number;
}

export interface DownloadOptions {
  url: string;
  /** Absolute final path, already checked to lie inside the library. */
  destination: string;
  /** Refuse bodies larger than this (default 8 GiB). */
  maxBytes?: number;
  /** Redirect hops followed, each re-checked against the URL policy (default 5). */
  maxRedirects?: number;
  /** No byte for this long → 'stalled' (default 30 s). */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Minimum time between two progress calls (default 250 ms); the last call always happens. */
  progressIntervalMs?: number;
}

export interface DownloadResult {
  destination: string;
  bytes: number;
  sha256: string;
  /** Bytes kept from an earlier `.part` (0 when the download started from the beginning). */
  resumedFrom: number;
}

export const DEFAULT_MAX_BYTES = 8 * 1024 ** 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'kling-archive (+https://github.com/kling-archive)';
const WRITE_CHUNK = 1024 * 1024;

interface OpenedResponse {
  response: IncomingMessage;
  url: URL;
}

function header(response: IncomingMessage, name: string): string | null {
  const value = response.headers[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? (value[0] ?? null) : null;
}

/** One GET, following redirects by hand so that every hop passes the URL policy. */
async function openResponse(
  firstUrl: URL,
  extraHeaders: Record<string, string>,
  options: Required<Pick<DownloadOptions, 'maxRedirects' | 'idleTimeoutMs'>> & {
    signal?: AbortSignal;
    /** Set when the idle timer fired: the stream error that follows is only its echo. */
    stall: { error: DownloadError | null };
  },
): Promise<OpenedResponse> {
  let url = firstUrl;
  for (let hop = 0; ; hop++) {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const transport = url.protocol === 'https:' ? https : http;
      const request = transport.request(url, {
        method: 'GET',
        headers: { 'user-agent': USER_AGENT, 'accept-encoding': 'identity', ...extraHeaders },
        signal: options.signal,
      });
      // Socket inactivity, during the headers and the whole body alike.
      request.setTimeout(options.idleTimeoutMs, () => {
        options.stall.error = new DownloadError(
          'stalled',
          `No data from ${describeUrl(url)} for ${options.idleTimeoutMs} ms`,
        );
        request.destroy(options.stall.error);
      });
      request.once('response', resolve);
      request.once('error', reject);
      request.end();
    });
    if (!REDIRECTS.has(response.statusCode ?? 0)) return { response, url };
    const location = header(response, 'location');
    response.resume(); // drain the redirect body so the socket can be reused
    if (!location) {
      throw new DownloadError('http_status', `Redirect without a Location from ${describeUrl(url)}`, {
        status: response.statusCode ?? 0,
      });
    }
    if (hop >= options.maxRedirects) {
      throw new DownloadError(
        'too_many_redirects',
        `More than ${options.maxRedirects} redirects from ${describeUrl(firstUrl)}`,
      );
    }
    url = checkDownloadUrl(location, url);
  }
}

/** `bytes 100-199/1000` → {start: 100, total: 1000}; total null for `*`. */
function parseContentRange(value: string | null): { start: number; total: number | null } | null {
  const match = value ? /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(value.trim()) : null;
  if (!match) return null;
  const start = Number(match[1]);
  const total = match[3] === '*' ? null : Number(match[3]);
  return Number.isSafeInteger(start) && (total === null || Number.isSafeInteger(total))
    ? { start, total }
    : null;
}

function parseLength(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value.trim())) return null;
  const length = Number(value);
  return Number.isSafeInteger(length) ? length : null;
}

async function hashExisting(file: string, hash: StreamHash, bytes: number): Promise<void> {
  if (bytes === 0) return;
  for await (const chunk of createReadStream(file, {
    start: 0,
    end: bytes - 1,
    highWaterMark: WRITE_CHUNK,
  })) {
    const full = hash.update(chunk as Buffer);
    if (full) await full;
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms (Windows) cannot open or sync a directory; the rename is still atomic there.
  }
}

async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}

function toDownloadError(error: unknown, url: URL, signal: AbortSignal | undefined): DownloadError {
  if (error instanceof DownloadError) return error;
  if (signal?.aborted) return new DownloadError('aborted', 'Download stopped', { cause: error });
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new DownloadError('disk_full', 'The disk is full: the partial file was removed', { cause: error });
  }
  if (code && /^E(ACCES|PERM|ROFS|ISDIR|NOTDIR|MFILE|NFILE|NAMETOOLONG|EXIST|IO)$/.test(code)) {
    return new DownloadError('file_system', `Cannot write the file (${code})`, { cause: error });
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new DownloadError('aborted', 'Download stopped', { cause: error });
  }
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  return new DownloadError('network', `Connection to ${describeUrl(url)} failed (${detail})`, {
    cause: error,
  });
}

/** What one download call learns as it goes, read again when it fails. */
interface DownloadRun {
  /** The URL after redirects (errors name it). */
  currentUrl: URL;
  /** Set when the idle timer fired: the stream error that follows is only its echo. */
  stall: { error: DownloadError | null };
  /** More bytes than announced: the .part is not a prefix of anything. */
  overlong: boolean;
  hasher: StreamHash | null;
}

/** The answer the body is read from: a full one (start 0) or the rest of our .part (start > 0). */
interface ResumedResponse {
  opened: OpenedResponse;
  start: number;
  total: number | null;
}

/** The .part worth resuming (its size) under a trusted validator, or nothing (the files gone). */
async function resumablePart(
  destination: string,
  part: string,
): Promise<{ validator: PartValidator | null; resumeFrom: number }> {
  // A .part without its validator cannot be trusted: start over.
  const validator = await readPartValidator(destination);
  let resumeFrom = validator ? ((await sizeOf(part)) ?? 0) : 0;
  if (validator?.totalBytes !== null && validator && resumeFrom > validator.totalBytes) resumeFrom = 0;
  if (resumeFrom === 0) await removePartFiles(destination);
  return { validator: resumeFrom > 0 ? validator : null, resumeFrom };
}

/** Whether a 206's file is not the one we have half of (another validator or length). */
function changedSince(
  validator: PartValidator,
  response: IncomingMessage,
  rangeTotal: number | null,
): boolean {
  const etag = header(response, 'etag');
  const lastModified = header(response, 'last-modified');
  return (
    (validator.etag !== null && etag !== null && etag !== validator.etag) ||
    (validator.lastModified !== null && lastModified !== null && lastModified !== validator.lastModified) ||
    (validator.totalBytes !== null && rangeTotal !== null && rangeTotal !== validator.totalBytes)
  );
}

/**
 * Opens the download, resuming the .part with a Range request when it can. A server that ignores the
 * range gets a full download; one whose file changed, or that answers another range, a fresh start.
 */
async function openResumed(
  firstUrl: URL,
  destination: string,
  run: DownloadRun,
  options: Required<Pick<DownloadOptions, 'maxRedirects' | 'idleTimeoutMs'>> & { signal?: AbortSignal },
): Promise<ResumedResponse> {
  let { validator, resumeFrom } = await resumablePart(destination, partPath(destination));
  for (let attempt = 0; attempt < 2; attempt++) {
    const extra: Record<string, string> = {};
    if (resumeFrom > 0 && validator) {
      extra.range = `bytes=${resumeFrom}-`;
      const ifRange = ifRangeValue(validator);
      if (ifRange) extra['if-range'] = ifRange;
    }
    const candidate = await openResponse(firstUrl, extra, { ...options, stall: run.stall });
    run.currentUrl = candidate.url;
    const { response } = candidate;
    const status = response.statusCode ?? 0;
    if (status === 200) {
      // A full body, also when the server ignored our Range (or If-Range said the file changed).
      return { opened: candidate, start: 0, total: parseLength(header(response, 'content-length')) };
    }
    if (status === 206 && extra.range && validator) {
      const range = parseContentRange(header(response, 'content-range'));
      if (range && range.start === resumeFrom && !changedSince(validator, response, range.total)) {
        return { opened: candidate, start: resumeFrom, total: range.total };
      }
      // The server's file is not the one we have half of (or it answered another range): start over.
      response.destroy();
    } else if (status === 416 && extra.range) {
      response.resume();
    } else {
      response.resume();
      throw new DownloadError('http_status', `HTTP ${status} from ${describeUrl(candidate.url)}`, { status });
    }
    await removePartFiles(destination);
    resumeFrom = 0;
    validator = null;
  }
  throw new DownloadError(
    'bad_range',
    `The server at ${describeUrl(run.currentUrl)} answered ranges inconsistently`,
  );
}

/** Refuses what is not media, or is announced over the limit; otherwise records the .part's validator. */
async function acceptResponse(
  resumed: ResumedResponse,
  destination: string,
  currentUrl: URL,
  maxBytes: number,
): Promise<void> {
  const { response } = resumed.opened;
  try {
    checkMediaResponseType(header(response, 'content-type'), describeUrl(currentUrl));
  } catch (error) {
    response.destroy();
    await removePartFiles(destination);
    throw error;
  }
  const { total } = resumed;
  if (total !== null && total > maxBytes) {
    response.destroy();
    await removePartFiles(destination);
    throw new DownloadError(
      'too_large',
      `The file at ${describeUrl(currentUrl)} is ${total} bytes, over the ${maxBytes}-byte limit`,
    );
  }
  await writePartValidator(destination, {
    etag: header(response, 'etag'),
    lastModified: header(response, 'last-modified'),
    totalBytes: total,
  } satisfies PartValidator);
}

/** A progress callback at most every `intervalMs` (forced: now), with a smoothed rate. */
function progressEmitter(
  options: DownloadOptions,
  total: number | null,
  bytesDone: () => number,
): (force: boolean) => void {
  const intervalMs = options.progressIntervalMs ?? 250;
  let lastEmitAt = performance.now();
  let lastEmitBytes = bytesDone();
  let rate = 0;
  return (force) => {
    if (!options.onProgress) return;
    const now = performance.now();
    const elapsed = now - lastEmitAt;
    if (!force && elapsed < intervalMs) return;
    const done = bytesDone();
    if (elapsed > 0) {
      const instant = ((done - lastEmitBytes) * 1000) / elapsed;
      rate = rate === 0 ? instant : rate * 0.7 + instant * 0.3;
    }
    lastEmitAt = now;
    lastEmitBytes = done;
    options.onProgress({ bytesDone: done, bytesTotal: total, bytesPerSecond: Math.round(rate) });
  };
}

/** Streams the body onto the .part, hashing it, within the limit and the announced length; the bytes in the .part. */
async function receiveIntoPart(
  resumed: ResumedResponse,
  part: string,
  hash: StreamHash,
  run: DownloadRun,
  options: DownloadOptions & { maxBytes: number },
): Promise<number> {
  const { start, total } = resumed;
  const { maxBytes } = options;
  let bytesDone = start;
  const emit = progressEmitter(options, total, () => bytesDone);
  await receiveBody({
    response: resumed.opened.response,
    file: part,
    append: start > 0,
    ...(options.signal ? { signal: options.signal } : {}),
    onChunk: (chunk) => {
      bytesDone += chunk.length;
      if (bytesDone > maxBytes) {
        throw new DownloadError(
          'too_large',
          `The file at ${describeUrl(run.currentUrl)} grew over the ${maxBytes}-byte limit`,
        );
      }
      if (total !== null && bytesDone > total) {
        run.overlong = true;
        throw new DownloadError(
          'length_mismatch',
          `More bytes than announced from ${describeUrl(run.currentUrl)}`,
        );
      }
      emit(false);
      return hash.update(chunk);
    },
  });
  if (total !== null && bytesDone !== total) {
    throw new DownloadError(
      'length_mismatch',
      `The body from ${describeUrl(run.currentUrl)} ended at ${bytesDone} of ${total} bytes`,
    );
  }
  emit(true);
  return bytesDone;
}

/**
 * Downloads `url` to `destination`. Throws a DownloadError on every failure; a `.part` stays for a
 * later resume unless the error makes it worthless (disk full, too large, server changed the file).
 */
export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const { destination, signal } = options;
  const firstUrl = checkDownloadUrl(options.url);
  checkMediaDestination(destination);
  const part = partPath(destination);
  const run: DownloadRun = { currentUrl: firstUrl, stall: { error: null }, overlong: false, hasher: null };
  try {
    if (signal?.aborted) throw new DownloadError('aborted', 'Download stopped');
    await mkdir(path.dirname(destination), { recursive: true });
    const resumed = await openResumed(firstUrl, destination, run, {
      maxRedirects: options.maxRedirects ?? 5,
      idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
      ...(signal ? { signal } : {}),
    });
    await acceptResponse(resumed, destination, run.currentUrl, maxBytes);
    const hash = (run.hasher = createStreamHash(resumed.total));
    if (resumed.start > 0) await hashExisting(part, hash, resumed.start);
    const bytes = await receiveIntoPart(resumed, part, hash, run, { ...options, maxBytes });
    const sha256 = await hash.digest();
    await rename(part, destination);
    await fsyncDirectory(path.dirname(destination));
    await removePartFiles(destination);
    return { destination, bytes, sha256, resumedFrom: resumed.start };
  } catch (error) {
    const failure = run.stall.error ?? toDownloadError(error, run.currentUrl, signal);
    // Worthless leftovers go; a resumable .part stays.
    if (failure.code === 'disk_full' || failure.code === 'too_large' || run.overlong) {
      await removePartFiles(destination).catch(() => undefined);
    }
    throw failure;
  } finally {
    await run.hasher?.close();
  }
}
