// PlayedLedger against a simulated player written here from first principles: it starts each
// frame when it arrives (send time + network delay), plays 8 frames per ms, echoes each mark when
// playout passes it (+ the delay back), and drops everything on a clear. The truth is the player's
// own position; the ledger only sees send times and echoes.
import { describe, expect, it } from 'vitest';
import { PlayedLedger } from '../../src/pipeline/played-ledger.js';
import { rng } from '../helpers/random.js';

const RATE = 8; // frames per ms

/** A player fed frames at given times; `positionAt(t)` is what it has played by time t. */
class Player {
  /** [arrival time, end position] of each frame, in order. */
  readonly frames: Array<[number, number]> = [];
  /** Position and time of the last clear. */
  private clearedAt = 0;
  private clearedPosition = 0;

  receive(arrivalMs: number, endPosition: number): void {
    this.frames.push([arrivalMs, endPosition]);
  }

  positionAt(t: number): number {
    let p = this.clearedPosition;
    let clock = this.clearedAt;
    for (const [arrival, end] of this.frames) {
      if (end <= p) continue;
      const begin = Math.max(clock, arrival);
      if (t <= begin) return p;
      const done = begin + (end - p) / RATE;
      if (t < done) return p + (t - begin) * RATE;
      p = end;
      clock = done;
    }
    return p;
  }

  /** When playout reaches `position` (Infinity if never, with what was received). */
  timeOf(position: number): number {
    let p = this.clearedPosition;
    let clock = this.clearedAt;
    if (position <= p) return clock;
    for (const [arrival, end] of this.frames) {
      if (end <= p) continue;
      const begin = Math.max(clock, arrival);
      if (position <= end) return begin + (position - p) / RATE;
      clock = begin + (end - p) / RATE;
      p = end;
    }
    return Number.POSITIVE_INFINITY;
  }

  clear(t: number, sentPosition: number): void {
    this.clearedPosition = sentPosition; // everything after what was played is dropped; positions continue
    this.clearedAt = t;
    this.frames.length = 0;
  }
}

/** Sends `frames` frames of 160 at `t` every 20 ms (a mark every `markEvery` frames), delivering echoes on the way. */
function run(options: { delayOutMs: number; delayBackMs: number; frames: number; markEvery: number; seed: number; gapEvery?: number }) {
  const ledger = new PlayedLedger({ framesPerMs: RATE });
  const player = new Player();
  const random = rng(options.seed);
  const echoes: Array<[number, number, number]> = [];
  const checks: Array<{ t: number; heard: number; truth: number; sent: number; echoed: boolean }> = [];
  let t = 0;
  const deliver = (until: number) => {
    echoes.sort((a, b) => a[0] - b[0]);
    while (echoes.length > 0 && echoes[0]![0] <= until) {
      const [at, generation, seq] = echoes.shift()!;
      expect(ledger.markEchoed(generation, seq, at)).toBe('confirmed');
    }
  };
  for (let i = 0; i < options.frames; i++) {
    deliver(t);
    ledger.sent('item-a', 160, t);
    player.receive(t + options.delayOutMs, ledger.sentPosition);
    // a mark after the first frame (the player was idle), then every `markEvery` frames
    if (i === 0 || (i + 1) % options.markEvery === 0) {
      const seq = ledger.markSent(t);
      const position = ledger.sentPosition;
      echoes.push([player.timeOf(position) + options.delayBackMs, ledger.generation, seq]);
    }
    // probe at a random time before the next send
    const next = t + 20 + (options.gapEvery !== undefined && i % options.gapEvery === options.gapEvery - 1 ? 300 : 0);
    const probe = t + random() * (next - t);
    deliver(probe);
    checks.push({
      t: probe,
      heard: ledger.heardPosition(probe),
      truth: player.positionAt(probe),
      sent: ledger.sentPosition,
      echoed: ledger.counts.confirmed > 0,
    });
    t = next;
  }
  return { ledger, checks };
}

describe('PlayedLedger', () => {
  it('no network delay: the heard position is the player position, to the frame, marks every 5 frames', () => {
    const { checks } = run({ delayOutMs: 0, delayBackMs: 0, frames: 2000, markEvery: 5, seed: 1 });
    let worst = 0;
    for (const c of checks) worst = Math.max(worst, Math.abs(c.heard - c.truth));
    expect(worst).toBeLessThanOrEqual(1); // floor of a fractional position
  });

  it('no network delay, playout running dry between bursts: still exact, never past what was sent', () => {
    const { checks } = run({ delayOutMs: 0, delayBackMs: 0, frames: 1000, markEvery: 7, seed: 2, gapEvery: 9 });
    for (const c of checks) {
      expect(Math.abs(c.heard - c.truth)).toBeLessThanOrEqual(1);
      expect(c.heard).toBeLessThanOrEqual(c.sent);
    }
  });

  it('with network delay: never later than the player, early by at most the delay both ways', () => {
    for (const [out, back] of [
      [30, 30],
      [5, 80],
      [120, 10],
    ] as const) {
      const { checks } = run({ delayOutMs: out, delayBackMs: back, frames: 1500, markEvery: 5, seed: 3 + out });
      for (const c of checks) {
        // before the first echo only the first mark (after one frame) bounds it: at most a frame early
        expect(c.heard).toBeLessThanOrEqual(c.truth + (c.echoed ? 1 : 160));
        // the player started `out` late; the ledger learns its position `back` late
        expect(c.heard).toBeGreaterThanOrEqual(c.truth - (out + back) * RATE - 1 - 5 * 160);
      }
    }
  });

  it('a player that stops playing: heard stops at the first mark it has not echoed, until that mark is overdue', () => {
    const ledger = new PlayedLedger({ framesPerMs: RATE, markTimeoutMs: 1000 });
    for (let i = 0; i < 10; i++) {
      ledger.sent('a', 160, i * 20);
      if (i % 5 === 4) ledger.markSent(i * 20);
    }
    // nothing echoed: the first mark (after 800 frames) caps it although 1600 were sent 200 ms ago
    expect(ledger.upper(500)).toBe(1600);
    expect(ledger.heardPosition(500)).toBe(800);
    // both marks are overdue after 1 s: only the upper model bounds it
    expect(ledger.heardPosition(1200)).toBe(1600);
    expect(ledger.counts.overdue).toBe(2);
  });

  it('marks of a generation before a clear are stale; unknown marks are counted', () => {
    const ledger = new PlayedLedger({ framesPerMs: RATE });
    ledger.sent('a', 160, 0);
    expect(ledger.markEchoed(0, ledger.markSent(0), 20)).toBe('confirmed');
    ledger.sent('a', 160, 20);
    const old = ledger.markSent(20);
    const cut = ledger.clear(30);
    expect(cut.heardPosition).toBe(240);
    expect(cut.droppedFrames).toBe(80);
    expect(cut.items).toEqual([{ itemId: 'a', sentFrames: 320, heardFrames: 240 }]);
    // the player echoes the pending marks after the clear
    expect(ledger.markEchoed(0, old, 31)).toBe('stale');
    expect(ledger.markEchoed(1, 12345, 31)).toBe('unknown');
    expect(ledger.counts).toMatchObject({ stale: 1, unknown: 1, confirmed: 1 });
    // the new generation starts where the last ended: nothing heard of what comes next until it plays
    ledger.sent('b', 160, 40);
    expect(ledger.heardPosition(40)).toBe(320);
    expect(ledger.heardPosition(50)).toBe(400);
  });

  it('a clear reports the item heard last and every one after it', () => {
    const ledger = new PlayedLedger({ framesPerMs: RATE });
    ledger.sent('a', 160, 0);
    ledger.sent('a', 100, 0);
    ledger.sent('b', 160, 0);
    ledger.sent('c', 50, 0);
    // at 40 ms: 320 frames heard, all of a (260) and 60 of b
    expect(ledger.clear(40).items).toEqual([
      { itemId: 'b', sentFrames: 160, heardFrames: 60 },
      { itemId: 'c', sentFrames: 50, heardFrames: 0 },
    ]);
    ledger.sent('d', 160, 100);
    // nothing heard yet: the first item is reported with 0 heard
    expect(ledger.clear(100).items).toEqual([{ itemId: 'd', sentFrames: 160, heardFrames: 0 }]);
    ledger.sent('e', 80, 200);
    ledger.sent('f', 80, 210);
    // e played to its end, f not started (it arrived at 210, e ended at 210): e is the item heard last
    expect(ledger.clear(210).items).toEqual([
      { itemId: 'e', sentFrames: 80, heardFrames: 80 },
      { itemId: 'f', sentFrames: 80, heardFrames: 0 },
    ]);
  });

  it('stays bounded over a long stream: records and items are dropped as marks confirm them', () => {
    const ledger = new PlayedLedger({ framesPerMs: RATE });
    const pending: Array<[number, number]> = []; // [seq, position]
    for (let i = 0; i < 180_000; i++) {
      const t = i * 20;
      // continuous playout from t = 0 without delay: position p plays at p / 8 ms
      while (pending.length > 0 && pending[0]![1] / RATE <= t) {
        const [seq, position] = pending.shift()!;
        ledger.markEchoed(ledger.generation, seq, position / RATE);
      }
      ledger.sent(`item-${Math.floor(i / 250)}`, 160, t);
      if (i % 5 === 4) pending.push([ledger.markSent(t), ledger.sentPosition]);
    }
    expect(ledger.recordsInFlight).toBeLessThanOrEqual(10);
    expect(ledger.counts.itemsDropped).toBe(0);
    // an hour of continuous playout, sent in step with it: the models agree to the frame with the clock
    expect(ledger.heardPosition(180_000 * 20)).toBe(180_000 * 160);
  });

  it('a sender that never gets marks back is held to maxRecords in flight, and can send again as the oldest fold', () => {
    const ledger = new PlayedLedger({ framesPerMs: RATE, maxRecords: 8 });
    for (let i = 0; i < 8; i++) ledger.sent('a', 160, 0);
    expect(ledger.canSend).toBe(false);
    ledger.sent('a', 160, 0); // folds the oldest
    expect(ledger.recordsInFlight).toBe(8);
    expect(ledger.heardPosition(1000)).toBe(9 * 160);
  });
});
