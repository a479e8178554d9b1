// PlayedLedger: what a remote player (a phone carrier's media server) has played of the audio sent
// to it, when the only news from it are marks echoed after playout. Positions are frames of the
// stream sent (8 kHz G.711 bytes on a phone leg), counted from the start of the call across clears.
//
// Two models run over the record of each frame sent (its end position and send time):
// - `upper`: the player starts each frame the moment it is sent (no network delay) and plays at
//   the nominal rate; nothing can have been played before that. Paces the sending (keep `lead`
//   ahead of it: the carrier's buffer then holds `lead` whatever the network delay).
// - `echoed`: the same playout, started from the last mark echoed (position, time of arrival).
//   Arrival is late by the carrier-to-us delay, so this errs early by that delay and never late.
// What was heard = min(echoed, upper, the first mark not yet echoed): never more than was sent,
// never past a mark the carrier has not confirmed (unless that mark is overdue: lost). Marks carry
// a generation: `clear()` starts a new one, and marks of an older one echoed afterwards are stale.
//
// Items: the frames sent belong to items (the session's); the ledger keeps each item's span in the
// current generation, so that a clear says how much of each was heard. Bounded: `maxRecords` frames
// in flight (the sender stops at it), `maxItems` items, `maxMarks` marks pending. Nothing allocates
// per frame; `clear()` allocates its report.

/** How a mark echo was taken. */
export type MarkEcho =
  /** It confirmed a position of the current generation. */
  | 'confirmed'
  /** It belongs to a generation before the last clear (echoed after the clear): ignored. */
  | 'stale'
  /** Not a mark pending here (never sent, echoed twice, or dropped as overdue). */
  | 'unknown';

/** What the listener heard of one item, at a clear. */
export interface LedgerItemCut {
  itemId: string;
  /** Frames of it sent to the player in this generation. */
  sentFrames: number;
  /** Frames of it heard (0..sentFrames). */
  heardFrames: number;
}

/** What `clear()` reports: the position heard, and each item from the one heard last onward. */
export interface LedgerCut {
  heardPosition: number;
  /** Frames sent but not heard (dropped by the player's clear). */
  droppedFrames: number;
  items: LedgerItemCut[];
}

export interface PlayedLedgerOptions {
  /** Playout rate, frames per ms (8 for 8 kHz). */
  framesPerMs: number;
  /** Frames (records) in flight at most. Default 512. */
  maxRecords?: number;
  /** Items kept at most. Default 64. */
  maxItems?: number;
  /** Marks pending at most. Default 256. */
  maxMarks?: number;
  /** A mark not echoed this long after it was sent is taken as lost, ms. Default 3000. */
  markTimeoutMs?: number;
}

interface ItemSpan {
  itemId: string;
  start: number;
  end: number;
}

export class PlayedLedger {
  readonly framesPerMs: number;
  readonly maxRecords: number;
  readonly markTimeoutMs: number;
  readonly maxItems: number;
  /** Clears so far: the generation of the marks sent now. */
  generation = 0;
  /** Frames sent, since the start. */
  sentPosition = 0;
  /** Marks echoed and taken, stale, unknown, and dropped as overdue or as skipped by a later one. */
  readonly counts = { marksSent: 0, confirmed: 0, stale: 0, unknown: 0, overdue: 0, skipped: 0, itemsDropped: 0 };

  // frame records, oldest first: end position and send time
  private readonly recordEnd: Float64Array;
  private readonly recordSentAt: Float64Array;
  private recordHead = 0;
  private recordCount = 0;
  // the upper model's base: `upperPosition` was playing at `upperTime` (no frames before it count)
  private upperPosition = 0;
  private upperTime = 0;
  // the echoed model's base
  private echoPosition = 0;
  private echoTime = 0;
  // marks pending, oldest first
  private readonly markSeq: Float64Array;
  private readonly markPosition: Float64Array;
  private readonly markSentAt: Float64Array;
  private markHead = 0;
  private markCount = 0;
  private nextSeq = 1;
  private readonly items: ItemSpan[] = [];

  constructor(options: PlayedLedgerOptions) {
    this.framesPerMs = options.framesPerMs;
    this.maxRecords = options.maxRecords ?? 512;
    this.markTimeoutMs = options.markTimeoutMs ?? 3000;
    const maxMarks = options.maxMarks ?? 256;
    this.recordEnd = new Float64Array(this.maxRecords);
    this.recordSentAt = new Float64Array(this.maxRecords);
    this.markSeq = new Float64Array(maxMarks);
    this.markPosition = new Float64Array(maxMarks);
    this.markSentAt = new Float64Array(maxMarks);
    this.maxItems = options.maxItems ?? 64;
  }

  /** Frames records in flight (sent after the last echoed mark). */
  get recordsInFlight(): number {
    return this.recordCount;
  }

  /** True when one more frame may be recorded (`maxRecords` not reached). */
  get canSend(): boolean {
    return this.recordCount < this.maxRecords;
  }

  /** Records `frames` frames of `itemId` sent at `nowMs`. Call only when `canSend`. */
  sent(itemId: string, frames: number, nowMs: number): void {
    if (frames <= 0) return;
    if (this.recordCount === 0) {
      // nothing in flight: the player is idle, both models start from here
      this.settle(this.sentPosition, nowMs);
    }
    const start = this.sentPosition;
    this.sentPosition += frames;
    if (this.recordCount === this.maxRecords) this.dropOldestRecord();
    const at = (this.recordHead + this.recordCount) % this.maxRecords;
    this.recordEnd[at] = this.sentPosition;
    this.recordSentAt[at] = nowMs;
    this.recordCount++;
    const last = this.items[this.items.length - 1];
    if (last !== undefined && last.itemId === itemId && last.end === start) last.end = this.sentPosition;
    else this.addItem(itemId, start, this.sentPosition);
  }

  /** A mark sent now, after everything sent so far; returns its sequence number (its generation is `generation`). */
  markSent(nowMs: number): number {
    const size = this.markSeq.length;
    if (this.markCount === size) {
      // the oldest has waited longest: take it as lost
      this.markHead = (this.markHead + 1) % size;
      this.markCount--;
      this.counts.overdue++;
    }
    const at = (this.markHead + this.markCount) % size;
    const seq = this.nextSeq++;
    this.markSeq[at] = seq;
    this.markPosition[at] = this.sentPosition;
    this.markSentAt[at] = nowMs;
    this.markCount++;
    this.counts.marksSent++;
    return seq;
  }

  /** A mark came back at `nowMs`. Marks before it in its generation that never came back are dropped. */
  markEchoed(generation: number, seq: number, nowMs: number): MarkEcho {
    if (generation !== this.generation) {
      this.counts.stale++;
      return 'stale';
    }
    const size = this.markSeq.length;
    let index = -1;
    for (let i = 0; i < this.markCount; i++) {
      if (this.markSeq[(this.markHead + i) % size] === seq) {
        index = i;
        break;
      }
    }
    if (index < 0) {
      this.counts.unknown++;
      return 'unknown';
    }
    const at = (this.markHead + index) % size;
    const position = this.markPosition[at]!;
    this.counts.skipped += index;
    this.markHead = (at + 1) % size;
    this.markCount -= index + 1;
    this.counts.confirmed++;
    // the upper model cannot be behind what the player confirms (it plays faster than nominal, or our clock is slow)
    const upper = this.upper(nowMs);
    if (position > upper) {
      this.upperPosition = position;
      this.upperTime = nowMs;
    }
    if (position >= this.echoPosition) {
      this.echoPosition = position;
      this.echoTime = nowMs;
    }
    this.foldUpper(position);
    this.dropPlayedRecords();
    return 'confirmed';
  }

  /**
   * Frames the player can have played by `nowMs` at most (the upper model): the sender keeps `lead`
   * ahead of it. Never more than `sentPosition`.
   */
  upper(nowMs: number): number {
    return this.playout(this.upperPosition, this.upperTime, nowMs);
  }

  /** The position heard by `nowMs`: min(echoed model, upper model, first mark pending). */
  heardPosition(nowMs: number): number {
    const echoed = this.playout(this.echoPosition, this.echoTime, nowMs);
    let heard = Math.min(echoed, this.upper(nowMs));
    this.dropOverdueMarks(nowMs);
    const size = this.markSeq.length;
    for (let i = 0; i < this.markCount; i++) {
      const position = this.markPosition[(this.markHead + i) % size]!;
      if (position > this.echoPosition) {
        heard = Math.min(heard, position);
        break;
      }
    }
    return Math.max(heard, this.echoPosition);
  }

  /**
   * The player dropped everything not played (a `clear` was sent at `nowMs`): reports what was
   * heard of the item heard last (the last one started before the heard position; the first one
   * when nothing was heard) and of every item after it, and starts a new generation. Allocates.
   */
  clear(nowMs: number): LedgerCut {
    const heard = this.heardPosition(nowMs);
    let from = 0;
    for (let i = 0; i < this.items.length; i++) if (this.items[i]!.start < heard) from = i;
    const items: LedgerItemCut[] = [];
    for (let i = from; i < this.items.length; i++) {
      const span = this.items[i]!;
      items.push({ itemId: span.itemId, sentFrames: span.end - span.start, heardFrames: Math.min(span.end, Math.max(span.start, heard)) - span.start });
    }
    const cut: LedgerCut = { heardPosition: heard, droppedFrames: this.sentPosition - heard, items };
    this.generation++;
    this.items.length = 0;
    this.markCount = 0;
    this.recordCount = 0;
    this.settle(this.sentPosition, nowMs);
    return cut;
  }

  // ---- models --------------------------------------------------------------------------------

  /** Plays the records after `position` (playing at `time`) until `nowMs`; returns where playout is. */
  private playout(position: number, time: number, nowMs: number): number {
    let p = position;
    let t = time;
    const size = this.maxRecords;
    for (let i = 0; i < this.recordCount; i++) {
      const at = (this.recordHead + i) % size;
      const end = this.recordEnd[at]!;
      if (end <= p) continue;
      const begin = Math.max(t, this.recordSentAt[at]!);
      if (nowMs <= begin) return p;
      const done = begin + (end - p) / this.framesPerMs;
      if (nowMs < done) return p + Math.floor((nowMs - begin) * this.framesPerMs);
      p = end;
      t = done;
    }
    return p;
  }

  /** Both models start at `position`, playing at `time` (nothing in flight). */
  private settle(position: number, time: number): void {
    this.upperPosition = position;
    this.upperTime = time;
    this.echoPosition = position;
    this.echoTime = time;
  }

  /** Moves the upper model's base over the records that end by `position` (its output is unchanged). */
  private foldUpper(position: number): void {
    const size = this.maxRecords;
    for (let i = 0; i < this.recordCount; i++) {
      const at = (this.recordHead + i) % size;
      const end = this.recordEnd[at]!;
      if (end > position) return;
      if (end <= this.upperPosition) continue;
      const begin = Math.max(this.upperTime, this.recordSentAt[at]!);
      this.upperTime = begin + (end - this.upperPosition) / this.framesPerMs;
      this.upperPosition = end;
    }
  }

  /** Forgets the records both models are past (the echoed model is the one behind). */
  private dropPlayedRecords(): void {
    const floor = Math.min(this.echoPosition, this.upperPosition);
    while (this.recordCount > 0 && this.recordEnd[this.recordHead]! <= floor) {
      this.recordHead = (this.recordHead + 1) % this.maxRecords;
      this.recordCount--;
    }
    // spans wholly before what was heard, but the last one (kept to report an item heard to its end)
    while (this.items.length > 1 && this.items[0]!.end <= floor && this.items[1]!.start <= floor) this.items.shift();
  }

  /** Full: the oldest record is folded into both models as the upper model plays it. */
  private dropOldestRecord(): void {
    const at = this.recordHead;
    const end = this.recordEnd[at]!;
    const begin = Math.max(this.upperTime, this.recordSentAt[at]!);
    const done = begin + Math.max(0, end - this.upperPosition) / this.framesPerMs;
    if (end > this.upperPosition) {
      this.upperPosition = end;
      this.upperTime = done;
    }
    if (end > this.echoPosition) {
      this.echoPosition = end;
      this.echoTime = Math.max(this.echoTime, done);
    }
    this.recordHead = (at + 1) % this.maxRecords;
    this.recordCount--;
  }

  private dropOverdueMarks(nowMs: number): void {
    const size = this.markSeq.length;
    while (this.markCount > 0 && nowMs - this.markSentAt[this.markHead]! > this.markTimeoutMs) {
      this.markHead = (this.markHead + 1) % size;
      this.markCount--;
      this.counts.overdue++;
    }
  }

  private addItem(itemId: string, start: number, end: number): void {
    if (this.items.length === this.maxItems) {
      this.items.shift();
      this.counts.itemsDropped++;
    }
    this.items.push({ itemId, start, end });
  }
}
