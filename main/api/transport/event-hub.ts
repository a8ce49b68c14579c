/**
 * A tiny fan-out for contract events: the workspace side emits, every transport (SSE
 * clients, the Electron window, the power-save blocker) subscribes. Payloads are validated
 * against the contract before they leave, so a malformed event is caught at its source.
 */
import { type EventName, type EventPayload, events } from '../../../contract/api';
import type { EventSubscribe } from './dispatch';

export interface EventHub {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  subscribe: EventSubscribe;
}

export function createEventHub(onInvalid: (message: string) => void = (m) => console.error(m)): EventHub {
  const listeners = new Set<(event: EventName, payload: unknown) => void>();
  return {
    emit(event, payload) {
      const checked = events[event].safeParse(payload);
      if (!checked.success) {
        onInvalid(`refinery: dropped malformed "${event}" event: ${checked.error.issues[0]?.message ?? 'invalid'}`);
        return;
      }
      for (const listener of [...listeners]) {
        try {
          listener(event, checked.data);
        } catch (err) {
          // One broken subscriber (a closed socket) must not starve the others.
          onInvalid(`refinery: event listener failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
