// The renderer's client for the contract, chosen at start: IPC through the preload inside Electron,
// HTTP + server-sent events in a browser (headless mode). Both answer the same typed interface, so
// the Svelte code cannot tell which one it runs on.
import type {
  ErrorCode,
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
} from '../../../shared/contract';
import { EVENT_NAMES, MEDIA_SCHEME } from '../../../shared/contract/names';

export interface ArchiveClient {
  call<M extends MethodName>(method: M, input: NoInfer<MethodInput<M>>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** The URL a `<video>`/`<img>` loads a library file from. */
  mediaUrl(relativePath: string): string;
}

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

export function createIpcClient(bridge: PreloadBridge): ArchiveClient {
  return {
    async call(method, input) {
      const result = (await bridge.invoke(method, input ?? {})) as WireResult;
      if (result.ok) return result.value as never;
      throw new ContractCallError(result.error.code, result.error.message, method);
    },
    on: (event, listener) => bridge.on(event, listener as (payload: unknown) => void),
    mediaUrl: (relativePath) => `${MEDIA_SCHEME}://library/${encodeLibraryPath(relativePath)}`,
  };
}

export interface HttpClientOptions {
  /** Default: the page's own origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  EventSource?: typeof EventSource;
}

export function createHttpClient(options: HttpClientOptions = {}): ArchiveClient {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let source: EventSource | null = null;

  function openStream(): void {
    if (source) return;
    const Source = options.EventSource ?? EventSource;
    source = new Source(`${base}/api/events`, { withCredentials: false });
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (message) => {
        let payload: unknown;
        try {
          payload = JSON.parse((message as MessageEvent<string>).data);
        } catch {
          return;
        }
        for (const listener of listeners.get(name) ?? []) listener(payload);
      });
    }
  }

  return {
    async call(method, input) {
      let response: Response;
      try {
        response = await doFetch(`${base}/api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          credentials: 'same-origin',
          body: JSON.stringify(input ?? {}),
        });
      } catch (error) {
        throw new ContractCallError('transport', `The app cannot be reached (${String(error)}).`, method);
      }
      const text = await response.text();
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
          source?.close();
          source = null;
        }
      };
    },
    mediaUrl: (relativePath) => `${base}/media/${encodeLibraryPath(relativePath)}`,
  };
}

/** IPC when the preload is there (the desktop app), HTTP otherwise (a browser on the headless server). */
export function createClient(): ArchiveClient {
  const bridge = typeof window !== 'undefined' ? window.klingArchive : undefined;
  return bridge ? createIpcClient(bridge) : createHttpClient();
}
