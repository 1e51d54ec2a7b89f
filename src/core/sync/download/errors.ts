// The one error type the downloader throws: a code the queue can act on (retry, pause, give up)
// and a message a person can read. Messages never carry query strings (signed URLs, tokens).

export type DownloadErrorCode =
  | 'unsafe_url' // scheme/host not allowed, or a redirect pointed somewhere not allowed
  | 'too_many_redirects'
  | 'too_large' // over the configured maximum size
  | 'unsupported_type' // not one of the archive's media types (an .svg, an .html): never kept
  | 'http_status' // an answer other than 200/206 (status in `status`)
  | 'length_mismatch' // the body ended before (or after) the announced length
  | 'bad_range' // a 206 whose Content-Range does not match what was asked
  | 'disk_full' // ENOSPC/EDQUOT: the partial file was removed
  | 'file_system' // another local write error
  | 'network' // connection reset, DNS, TLS...
  | 'stalled' // no bytes for the idle timeout
  | 'aborted'; // the caller's AbortSignal fired

/** Codes worth another attempt later (with backoff); the .part stays for a resume. */
const RETRYABLE: ReadonlySet<DownloadErrorCode> = new Set([
  'http_status',
  'length_mismatch',
  'bad_range',
  'network',
  'stalled',
]);

export class DownloadError extends Error {
  readonly code: DownloadErrorCode;
  readonly status: number | null;
  readonly retryable: boolean;

  constructor(code: DownloadErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DownloadError';
    this.code = code;
    this.status = options.status ?? null;
    // 4xx answers other than 408/429 will not get better by asking again.
    this.retryable =
      RETRYABLE.has(code) &&
      !(
        code === 'http_status' &&
        this.status !== null &&
        this.status >= 400 &&
        this.status < 500 &&
        this.status !== 408 &&
        this.status !== 429
      );
  }
}

/** A URL fit for messages and logs: scheme, host and path, never the query (signatures, tokens). */
export function describeUrl(url: URL | string): string {
  try {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    const text = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return '(unparseable URL)';
  }
}
