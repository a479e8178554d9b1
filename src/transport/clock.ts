// The time source of the pieces that pace or time out by themselves (the phone bridge, the demo
// server's local session): `now()` in milliseconds and one-shot timers. The system clock by default;
// tests drive a virtual clock so that an hour of a call runs in seconds, reproducibly.

/** Milliseconds and one-shot timers. */
export interface Clock {
  /** Monotonic time, ms. */
  now(): number;
  /** Calls `callback` once, `ms` ms from now; returns a handle for `clearTimer`. */
  setTimer(callback: () => void, ms: number): unknown;
  /** Cancels a timer (a handle already run or cleared is ignored). */
  clearTimer(handle: unknown): void;
}

/** `performance.now()` and `setTimeout`. */
export const systemClock: Clock = Object.freeze({
  now: () => performance.now(),
  setTimer: (callback: () => void, ms: number): unknown => setTimeout(callback, ms),
  clearTimer: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
});
