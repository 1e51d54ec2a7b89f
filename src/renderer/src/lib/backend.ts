// The views' handle on the contract: a typed `call` plus the media URL builder, both provided at
// start by the transport client (lib/api.ts, IPC in the app or HTTP in a browser). Views depend on
// these two signatures only, so tests and harnesses can hand in another transport.
import type {
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
} from '../../../shared/contract';

export type Call = <M extends MethodName>(
  method: M,
  input: NoInfer<MethodInput<M>>,
) => Promise<MethodOutput<M>>;
export type Subscribe = <E extends EventName>(
  event: E,
  listener: (payload: EventPayload<E>) => void,
) => () => void;
export type MediaUrl = (relativePath: string) => string;

export interface Backend {
  call: Call;
  on: Subscribe;
  mediaUrl: MediaUrl;
}

let current: Backend | null = null;

export function setBackend(backend: Backend): void {
  current = backend;
}

export function backend(): Backend {
  if (!current) throw new Error('The app is not connected yet (no backend set).');
  return current;
}
