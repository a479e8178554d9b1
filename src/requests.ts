// One request/answer protocol for the message ports of the AudioWorklet processors and of the
// Node worker pool. A request is a message that carries a numeric `id` (beside its own `type` or
// `op` and parameters); its answer is `{ id, result }` or `{ id, error: { code, message } }`,
// nothing else. The answering side builds answers with `answer()`, which never throws, so every
// request gets one; the asking side keeps its requests in `PendingRequests`, which settles each
// exactly once: with the result, with the error (a RealtimePcmError, an OptionsError for invalid
// options), or with a rejection when the other side is closed or fails (`failAll`) or has not
// answered within `timeoutMs`. Messages without an `id` are notifications and get no answer.
import { OptionsError, RealtimePcmError, errorData, errorFromData } from './errors.js';

/** An error as it crosses a port. */
export interface RequestError {
  code: string;
  message: string;
}

/** The answer to the request with the same `id`. */
export type Reply = { id: number; result: unknown } | { id: number; error: RequestError };

/** Default time a request may wait for its answer, ms. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** The answer to request `id`: what `run` returns, or what it throws as `{ code, message }`. Never throws. */
export function answer(id: number, run: () => unknown): Reply {
  try {
    return { id, result: run() };
  } catch (error) {
    return { id, error: errorData(error, 'request_failed') };
  }
}

/** True for an answer (`{ id, result }` or `{ id, error }`). */
export function isReply(message: unknown): message is Reply {
  const m = message as { id?: unknown } | null;
  return typeof m?.id === 'number' && ('result' in (m as object) || 'error' in (m as object));
}

/** The request id of a message, or undefined for a notification. */
export function requestId(message: unknown): number | undefined {
  const id = (message as { id?: unknown } | null)?.id;
  return typeof id === 'number' ? id : undefined;
}

/** Checks a request timeout option: a number of ms in 1..3,600,000, default 10,000. */
export function checkTimeoutMs(value: unknown): number {
  if (value === undefined) return DEFAULT_REQUEST_TIMEOUT_MS;
  if (typeof value !== 'number' || !(value >= 1 && value <= 3_600_000)) {
    throw new OptionsError(`requestTimeoutMs must be a number of ms from 1 to 3600000, got ${String(value)}`);
  }
  return value;
}

interface Waiter {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  deadline: number;
  what: string;
}

/** The asking side: requests waiting for their answers, each settled exactly once. */
export class PendingRequests {
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;
  private timer: ReturnType<typeof setInterval> | undefined;
  private failure: Error | undefined;
  /** Called whenever the last waiting request has settled. */
  onIdle: (() => void) | undefined;

  constructor(readonly timeoutMs: number = DEFAULT_REQUEST_TIMEOUT_MS) {}

  /** Requests still waiting. */
  get size(): number {
    return this.waiting.size;
  }

  /**
   * A new request (`what` names it in a timeout error): its id, to send with the message, and the
   * promise of its answer. After `failAll` the promise rejects at once with that error.
   */
  open<T>(what: string): { id: number; promise: Promise<T> } {
    const id = this.nextId++;
    if (this.failure !== undefined) return { id, promise: Promise.reject(this.failure) };
    const promise = new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject, deadline: Date.now() + this.timeoutMs, what });
    });
    this.watch();
    return { id, promise };
  }

  /** Call with every message from the other side; returns true when it answered a request. */
  settle(message: unknown): boolean {
    if (!isReply(message)) return false;
    const waiter = this.waiting.get(message.id);
    if (waiter === undefined) return false;
    this.waiting.delete(message.id);
    if ('error' in message) waiter.reject(errorFromData(message.error));
    else waiter.resolve(message.result);
    if (this.waiting.size === 0) this.idle();
    return true;
  }

  /** Rejects the request `id` (e.g. its message could not be posted). */
  reject(id: number, error: Error): void {
    const waiter = this.waiting.get(id);
    if (waiter === undefined) return;
    this.waiting.delete(id);
    waiter.reject(error);
    if (this.waiting.size === 0) this.idle();
  }

  /** Rejects every waiting request with `error`, and every later one too (the other side is gone). */
  failAll(error: Error): void {
    this.failure ??= error;
    const waiters = [...this.waiting.values()];
    this.waiting.clear();
    for (const waiter of waiters) waiter.reject(error);
    this.idle();
  }

  /** One timer while requests wait (not one per request: the worker pool asks for every audio block). */
  private watch(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.expire(), Math.min(1000, Math.max(10, this.timeoutMs / 4)));
    (this.timer as { unref?: () => void }).unref?.(); // Node: a pending request does not keep the process alive
  }

  private unwatch(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private expire(): void {
    const now = Date.now();
    for (const [id, waiter] of this.waiting) {
      if (waiter.deadline > now) continue;
      this.waiting.delete(id);
      waiter.reject(new RealtimePcmError('request_timeout', `${waiter.what}: no answer within ${this.timeoutMs} ms`));
    }
    if (this.waiting.size === 0) this.idle();
  }

  private idle(): void {
    this.unwatch();
    this.onIdle?.();
  }
}
