// Where a download comes from, and which copy of the file that is. A media file's own URL is the
// work's result URL, the watermarked copy; with `watermarkFree`, /assets/download is asked for a
// watermark-free one first. When it gives none, the result URL is used, unless
// `fallbackToWatermarked` is false: then the file is not fetched (WatermarkFreeUnavailable).
import type { FileRow } from '../library';
import type { UseapiFailure } from '../useapi';
import type { FileCopy } from '../../shared/domain/library';
import { DownloadError } from './download';
import type { EngineContext } from './engine-context';
import { NOT_KEPT_SUFFIX, REFUSED_PREFIX } from './watermark-free-text';

/** Where one download comes from and which copy of the file that is (null: unknown). */
export interface FileSource {
  url: string | null;
  copy: FileCopy | null;
}

/** No watermark-free copy, and the settings do not keep the watermarked one instead. */
export class WatermarkFreeUnavailable extends Error {
  constructor(
    /** True when asking again will not change the answer (a refusal); false for a transient failure. */
    readonly refused: boolean,
    detail: string,
    /** The wait the service asked for (429/5xx Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(
      `${refused ? REFUSED_PREFIX : 'watermark-free copy not available'} (${detail}); ${NOT_KEPT_SUFFIX}`,
    );
    this.name = 'WatermarkFreeUnavailable';
  }
}

/** A short, token-free account of why /assets/download gave no URL, and whether that may pass. */
function watermarkFreeFailure(result: UseapiFailure): WatermarkFreeUnavailable {
  const http = (status: number | null) =>
    status === null ? result.message : `HTTP ${status}: ${result.message}`;
  switch (result.kind) {
    case 'rate_limited':
    case 'server_error':
      return new WatermarkFreeUnavailable(false, http(result.status), result.retryAfterMs);
    case 'network_error':
    case 'unexpected_status':
      return new WatermarkFreeUnavailable(false, http(result.status));
    case 'timeout':
      return new WatermarkFreeUnavailable(false, `no answer within ${Math.round(result.timeoutMs / 1000)} s`);
    case 'malformed':
      return new WatermarkFreeUnavailable(false, `the answer could not be read: ${result.problem}`);
    default:
      // payment_required, bad_request, unauthorized, not_found, invalid_id / invalid_input (refused
      // before sending), aborted (handled by the caller).
      return new WatermarkFreeUnavailable(true, http(result.status));
  }
}

/**
 * The source of one file under the settings in force. Covers and inputs: their URL, copy unknown.
 * `requeued` is called when a watermark-free copy was obtained and files of the account refused
 * before went back in the queue.
 */
export async function sourceFor(
  ctx: EngineContext,
  file: FileRow,
  email: string | null,
  signal: AbortSignal,
  requeued: () => void,
): Promise<FileSource> {
  const media = file.kind === 'video' || file.kind === 'image';
  const fallback: FileSource = { url: file.sourceUrl, copy: media ? 'watermarked' : null };
  if (!ctx.options.watermarkFree || !media) return fallback;
  const keepWatermarked = ctx.options.fallbackToWatermarked !== false;
  const client = email ? ctx.clients.get(email) : undefined;
  if (!email || !client || !file.workId) {
    if (keepWatermarked) return fallback;
    throw new WatermarkFreeUnavailable(
      true,
      !file.workId ? 'the work has no id' : `no token for the account ${email ?? '(none)'}`,
    );
  }
  try {
    await ctx.bucketFor(email).take(signal);
  } catch {
    throw new DownloadError('aborted', 'The download was stopped');
  }
  const answer = await client.getDownloadUrl(email, [file.workId], file.kind === 'video' ? 'MP4' : 'PNG', {
    signal,
  });
  if (answer.kind === 'ok') {
    // The plan allows clean copies (again): files of this account refused before are worth a new try.
    if (ctx.store.requeueRefused(email, ctx.now()) > 0) queueMicrotask(requeued);
    // Never stored: the watermark-free URL is used once, right now.
    return { url: answer.value.cdnUrl, copy: 'watermark-free' };
  }
  if (answer.kind === 'aborted') throw new DownloadError('aborted', 'The download was stopped');
  if (keepWatermarked) return fallback;
  throw watermarkFreeFailure(answer);
}
