// The renderer's client for the contract, one interface for both transports (lib/api.ts: IPC in the
// app, HTTP in a browser), and the one chosen at start. Views depend on these signatures only, so
// tests and harnesses can hand in another transport.
import type {
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
} from '../../../shared/contract';

export interface CallOptions {
  /**
   * Gives up on the call: it rejects with an AbortError and its answer is never used. Over HTTP the
   * request itself is aborted (the connection closed); over IPC the answer is dropped on arrival.
   */
  signal?: AbortSignal;
}

export type Call = <M extends MethodName>(
  method: M,
  input: NoInfer<MethodInput<M>>,
  options?: CallOptions,
) => Promise<MethodOutput<M>>;
export type Subscribe = <E extends EventName>(
  event: E,
  listener: (payload: EventPayload<E>) => void,
) => () => void;
/** The URL a `<video>`/`<img>` loads a library file from. */
export type MediaUrl = (relativePath: string) => string;

export interface ArchiveClient {
  call: Call;
  on: Subscribe;
  mediaUrl: MediaUrl;
}

let current: ArchiveClient | null = null;

export function setBackend(client: ArchiveClient): void {
  current = client;
}

/** The client the app was started with. */
export function backend(): ArchiveClient {
  if (!current) throw new Error('The app is not connected yet (no backend set).');
  return current;
}
