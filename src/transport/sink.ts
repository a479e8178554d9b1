// Where the adapter's client events go. A function gets the event object (e.g. the `openai`
// client's `rt.send(event)`, `@openai/agents-realtime`'s `transport.sendEvent(event)`); an object
// with `.send(string)` (a WebSocket) gets it as JSON text, and its `readyState` / `bufferedAmount`
// are read to drop audio rather than queue it without bound.
import { OptionsError } from '../errors.js';
import type { ClientEvent } from './protocol.js';

/** Anything with `send(text)`, such as a browser `WebSocket` or a `ws` socket. */
export interface TextSocket {
  send(data: string): void;
  readonly readyState?: number;
  readonly bufferedAmount?: number;
}

/** Where client events go: a function taking the event object, or a WebSocket-like `send(text)`. */
export type SendTarget = ((event: ClientEvent) => void) | TextSocket;

const OPEN = 1;

export class EventSink {
  private readonly fn: ((event: ClientEvent) => void) | undefined;
  private readonly socket: TextSocket | undefined;

  constructor(target: SendTarget) {
    if (typeof target === 'function') {
      this.fn = target;
    } else if (target !== null && typeof target === 'object' && typeof target.send === 'function') {
      this.socket = target;
    } else {
      throw new OptionsError('send must be a function taking the event object, or an object with send(text) such as a WebSocket');
    }
  }

  /** False when the socket is known not to be open, or has more than `maxBufferedBytes` queued. */
  canSend(maxBufferedBytes: number): boolean {
    const socket = this.socket;
    if (socket === undefined) return true;
    if (typeof socket.readyState === 'number' && socket.readyState !== OPEN) return false;
    if (typeof socket.bufferedAmount === 'number' && socket.bufferedAmount > maxBufferedBytes) return false;
    return true;
  }

  /** Sends; throws what the target throws. */
  send(event: ClientEvent): void {
    if (this.fn !== undefined) this.fn(event);
    else this.socket!.send(JSON.stringify(event));
  }
}
