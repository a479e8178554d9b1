// A virtual clock for simulated-time tests: `now()` moves only when the test says so, and timers
// run in order of their due time (then of creation), each with `now()` at its due time.
import type { Clock } from '../../src/transport/clock.js';

interface Timer {
  id: number;
  due: number;
  callback: () => void;
}

export class VirtualClock implements Clock {
  private time = 0;
  private nextId = 1;
  private readonly timers: Timer[] = [];

  now(): number {
    return this.time;
  }

  setTimer(callback: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, due: this.time + Math.max(0, ms), callback };
    let at = this.timers.length;
    while (at > 0 && (this.timers[at - 1]!.due > timer.due || (this.timers[at - 1]!.due === timer.due && this.timers[at - 1]!.id > timer.id))) at--;
    this.timers.splice(at, 0, timer);
    return timer.id;
  }

  clearTimer(handle: unknown): void {
    const at = this.timers.findIndex((t) => t.id === handle);
    if (at >= 0) this.timers.splice(at, 1);
  }

  /** Due time of the next timer, or Infinity. */
  nextDue(): number {
    return this.timers[0]?.due ?? Number.POSITIVE_INFINITY;
  }

  /** Timers pending. */
  get pending(): number {
    return this.timers.length;
  }

  /** Runs every timer due by `time` (those they set too), then sets the time to `time`. */
  advanceTo(time: number): void {
    while (this.timers.length > 0 && this.timers[0]!.due <= time) {
      const timer = this.timers.shift()!;
      this.time = Math.max(this.time, timer.due);
      timer.callback();
    }
    this.time = Math.max(this.time, time);
  }

  advance(ms: number): void {
    this.advanceTo(this.time + ms);
  }
}
