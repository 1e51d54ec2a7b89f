// The renderer's client for the contract, chosen at start: IPC through the preload inside Electron,
// HTTP + server-sent events in a browser (headless mode). Both answer the same typed interface, so
// the Svelte code cannot tell which one it runs on.
import type { ErrorCode } from '../../../shared/contract';
import { EVENT_NAMES, MEDIA_SCHEME } from '../../../shared/contract/names';
import { mediaUrlExpiry, signMediaPath } from '../../../shared/media-signature';
import { openEventStream } from './event-stream';
import { takeLaunchKey } from './launch-key';
import type { ArchiveClient } from './backend';

/** A call that failed: the contract's error code and message. */
export class ContractCallError extends Error {
  constructor(
    readonly code: ErrorCode | 'transport',
    message: string,
    readonly method: string,
  ) {
    super(message);
    this.name = 'ContractCallError';
  }
}

/** What the preload exposes as `window.klingArchive`. */
export interface PreloadBridge {
  invoke(method: string, input?: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  /** Desktop only: drags a library file out (main starts the OS drag synchronously). */
  startDrag?(relativePath: string): void;
}

declare global {
  interface Window {
    klingArchive?: PreloadBridge;
  }
}

type WireResult = { ok: true; value: unknown } | { ok: false; error: { code: ErrorCode; message: string } };

/** `acct/task 1/video.mp4` → `acct/task%201/video.mp4`: each segment encoded, the slashes kept. */
export function encodeLibraryPath(relativePath: string): string {
  return relativePath.split('/').map(encodeURIComponent).join('/');
}

/** The rejection of a call given up on: the same as `fetch` gives for an aborted request. */
function abortError(signal: AbortSignal): unknown {
  return signal.reason instanceof DOMException && signal.reason.name === 'AbortError'
    ? signal.reason
    : new DOMException('The call was given up on.', 'AbortError');
}

/** `answer`, unless `signal` aborts first: then an AbortError, and the answer is dropped when it comes. */
function unlessAborted<T>(answer: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return answer;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function createIpcClient(bridge: PreloadBridge): ArchiveClient {
  return {
    async call(method, input, options) {
      // IPC cannot take a request back: an abandoned call's answer is dropped when it arrives.
      const result = (await unlessAborted(bridge.invoke(method, input ?? {}), options?.signal)) as WireResult;
      if (result.ok) return result.value as never;
      throw new ContractCallError(result.error.code, result.error.message, method);
    },
    on: (event, listener) => bridge.on(event, listener as (payload: unknown) => void),
    mediaUrl: (relativePath) => `${MEDIA_SCHEME}://library/${encodeLibraryPath(relativePath)}`,
  };
}

export interface HttpClientOptions {
  /** The launch key `kling-archive serve` printed; sent as a header, never stored in a cookie. */
  key: string;
  /** Default: the page's own origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** The clock media URL expiries are taken from (tests). */
  now?: () => number;
}

const KEY_HEADER = 'x-kling-archive-key';

/** `<base>/media/<path>?exp=&sig=`: the one file, for a few hours, without the key itself. */
function signedMediaUrls(base: string, key: string, now: () => number): (relativePath: string) => string {
  // One signature per file and expiry window: the same file keeps the same URL (and cache) meanwhile.
  let window = 0;
  let signed = new Map<string, string>();
  return (relativePath) => {
    const expiry = mediaUrlExpiry(now());
    if (expiry !== window) [window, signed] = [expiry, new Map()];
    let url = signed.get(relativePath);
    if (!url) {
      const path = encodeLibraryPath(relativePath);
      url = `${base}/media/${path}?exp=${expiry}&sig=${signMediaPath(key, path, expiry)}`;
      signed.set(relativePath, url);
    }
    return url;
  };
}

export function createHttpClient(options: HttpClientOptions): ArchiveClient {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const known = new Set<string>(EVENT_NAMES);
  let closeStream: (() => void) | null = null;

  function openStream(): void {
    if (closeStream) return;
    closeStream = openEventStream({
      url: `${base}/api/events`,
      headers: { [KEY_HEADER]: options.key },
      fetch: doFetch,
      onEvent(name, data) {
        if (!known.has(name)) return;
        let payload: unknown;
        try {
          payload = JSON.parse(data);
        } catch {
          return;
        }
        for (const listener of listeners.get(name) ?? []) listener(payload);
      },
    });
  }

  return {
    async call(method, input, callOptions) {
      const signal = callOptions?.signal;
      let response: Response;
      let text: string;
      try {
        // The signal aborts the request itself: the server sees the connection close.
        response = await doFetch(`${base}/api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [KEY_HEADER]: options.key },
          credentials: 'omit',
          body: JSON.stringify(input ?? {}),
          ...(signal ? { signal } : {}),
        });
        text = await response.text();
      } catch (error) {
        if (signal?.aborted) throw abortError(signal);
        throw new ContractCallError('transport', `The app cannot be reached (${String(error)}).`, method);
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new ContractCallError('transport', text.trim() || `HTTP ${response.status}`, method);
      }
      if (response.ok) return body as never;
      const error = (body as { error?: { code: ErrorCode; message: string } }).error;
      throw new ContractCallError(
        error?.code ?? 'internal',
        error?.message ?? `HTTP ${response.status}`,
        method,
      );
    },
    on(event, listener) {
      openStream();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => {
        set.delete(wrapped);
        if ([...listeners.values()].every((s) => s.size === 0)) {
          closeStream?.();
          closeStream = null;
        }
      };
    },
    mediaUrl: signedMediaUrls(base, options.key, options.now ?? Date.now),
  };
}

/** IPC when the preload is there (the desktop app), HTTP otherwise (a browser on the headless server). */
export function createClient(): ArchiveClient {
  const bridge = typeof window !== 'undefined' ? window.klingArchive : undefined;
  if (bridge) return createIpcClient(bridge);
  const key = takeLaunchKey({ location: window.location, history: window.history, storage: sessionStorage });
  // Without a key every call answers 401 with the server's own explanation (open the printed URL).
  return createHttpClient({ key: key ?? '' });
}
