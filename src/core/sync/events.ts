// The engine's events: one typed emitter that the app and the headless server forward to the UI.
// Where the UI contract defines an event, the payload is the contract's own type (plus, at most, a
// few extra fields the contract drops when it validates); the rest are engine-only.
import type { EventPayload } from '../../shared/contract';

export interface SyncEventMap {
  /** `retryAt`: the poll gave no usable answer (`message` says why) and is tried again then (ms). */
  'task.changed': EventPayload<'task.changed'> & { added?: boolean; retryAt?: number };
  /** `bytesPerSecond` is extra to the contract's payload. */
  'download.progress': EventPayload<'download.progress'> & { bytesPerSecond: number };
  'file.archived': EventPayload<'file.archived'> & { sha256: string };
  /** A file could not be archived (after its retries, or for good). */
  'file.failed': { taskId: string; relativePath: string; kind: string; message: string; willRetry: boolean };
  'account.paused': EventPayload<'account.paused'>;
  'account.resumed': { accountId: string; email: string };
  'history.progress': EventPayload<'history.progress'>;
  /** The whole download queue stopped (disk full) or started again. */
  'downloads.paused': { reason: string | null };
}

export type SyncEventName = keyof SyncEventMap;
export type SyncEvent = { [E in SyncEventName]: { name: E; payload: SyncEventMap[E] } }[SyncEventName];
export type SyncEventListener = (event: SyncEvent) => void;

/** The contract's share of the engine's events: what an adapter forwards to windows and streams. */
export const CONTRACT_EVENT_NAMES = [
  'task.changed',
  'download.progress',
  'file.archived',
  'account.paused',
  'history.progress',
] as const satisfies readonly SyncEventName[];

export class SyncEvents {
  private readonly listeners = new Set<SyncEventListener>();

  emit<E extends SyncEventName>(name: E, payload: SyncEventMap[E]): void {
    const event = { name, payload } as SyncEvent;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A broken listener must not stop the engine or the other listeners.
      }
    }
  }

  /** Every event, in order; answers the function that unsubscribes. */
  subscribe(listener: SyncEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Only one kind of event. */
  on<E extends SyncEventName>(name: E, listener: (payload: SyncEventMap[E]) => void): () => void {
    return this.subscribe((event) => {
      if (event.name === name) listener(event.payload as SyncEventMap[E]);
    });
  }
}
