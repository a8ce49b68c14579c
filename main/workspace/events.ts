/** A typed event emitter whose events and payloads are those of contract/api.ts `events`. */
import { EventEmitter } from 'node:events';
import type { EventName, EventPayload } from '../../contract/api';

export class WorkspaceEvents {
  private readonly emitter = new EventEmitter();

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.emitter.emit(event, payload);
  }

  clear(): void {
    this.emitter.removeAllListeners();
  }
}
