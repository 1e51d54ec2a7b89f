// A typed event emitter keyed by the contract's events map. Payloads are checked against their
// schemas on emit (unknown fields dropped), so nothing off-contract reaches a window or a stream.
import { EVENTS } from '../../shared/contract';
import type { EventName, EventPayload } from '../../shared/contract';

export type ContractEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];
export type EventListener = (event: ContractEvent) => void;

export interface EventBus {
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
  /** Every event, in order; answers the function that unsubscribes. */
  subscribe(listener: EventListener): () => void;
}

export function createEventBus(onInvalid?: (message: string) => void): EventBus {
  const listeners = new Set<EventListener>();
  return {
    emit(name, payload) {
      const parsed = EVENTS[name].safeParse(payload);
      if (!parsed.success) {
        onInvalid?.(`event ${name} dropped: ${parsed.error.issues[0]?.message ?? 'invalid payload'}`);
        return;
      }
      const event = { name, payload: parsed.data } as ContractEvent;
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          onInvalid?.(
            `event ${name}: a listener failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
