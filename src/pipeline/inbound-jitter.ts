// InboundJitter: a phone carrier's inbound media (chunks of 8 kHz G.711 with a chunk number and a
// timestamp in ms since the stream started) to one continuous stream, in order, with no gaps, so
// that a session's server VAD hears time pass as the caller does:
// - reordering: a chunk after a missing one waits for it up to `holdMs` (or until `maxHeld` wait);
//   chunks behind the stream (late, duplicated) are dropped and counted;
// - gaps in the timestamps (a carrier that omits silent media, a lost chunk) become silence, and
//   overlaps are trimmed, so the stream position follows the carrier's timestamps without drift;
// - when the carrier sends nothing at all, silence is filled by the clock: the carrier's time is
//   estimated from arrivals (the least-delayed arrival seen, allowed to creep 1 ms/s for clock
//   skew), and the stream is kept `fillAfterMs` behind it, so a late chunk still finds its place.
// Output goes to `emit(bytes, start, end, silence)` (the silence is one shared frame: no copy).
// Nothing allocates per chunk in order; a chunk held out of order gets a small record.

export interface InboundJitterOptions {
  /** Frames per ms of the stream (8 at 8 kHz G.711: one byte a frame). */
  framesPerMs: number;
  /** The silence code (0xFF mu-law, 0xD5 A-law). */
  silenceByte: number;
  /** Silence is filled in frames of this many bytes. Default 160 (20 ms at 8 kHz). */
  frameBytes?: number;
  /** Chunks held at most while one before them is missing. Default 16. */
  maxHeld?: number;
  /** How long a chunk waits for a missing one before it, ms. Default 40. */
  holdMs?: number;
  /** How far behind the carrier's estimated time the stream may fall before silence is filled, ms. Default 80. */
  fillAfterMs?: number;
  /** Timestamp differences up to this are taken as contiguous, ms. Default 2. */
  toleranceMs?: number;
  /** A jump in the timestamps beyond this is a discontinuity (the stream re-anchors, nothing is filled), ms. Default 10000. */
  maxGapMs?: number;
  /** Receives the stream: `bytes[start..end)`, and whether it is filled silence. */
  emit: (bytes: Uint8Array, start: number, end: number, silence: boolean) => void;
}

/** Counters of what happened to the carrier's chunks. */
export interface InboundJitterStats {
  /** Chunks taken into the stream. */
  chunks: number;
  /** Chunks that arrived after a later one (reordered back). */
  reordered: number;
  /** Chunks dropped: behind the stream already (late) or seen before (duplicates). */
  late: number;
  duplicates: number;
  /** Chunk numbers never seen (skipped after waiting). */
  lost: number;
  /** Frames of silence filled: for gaps in the timestamps, and by the clock. */
  filledFrames: number;
  /** Frames of chunks dropped because they overlapped the stream. */
  trimmedFrames: number;
  /** Jumps in the timestamps over `maxGapMs` (re-anchored). */
  discontinuities: number;
}

interface Held {
  chunk: number;
  timestampMs: number;
  arrivalMs: number;
  payload: Uint8Array;
}

/** Creep of the arrival offset estimate, ms per ms (clock skew up to 1000 ppm is followed). */
const OFFSET_CREEP = 0.001;

export class InboundJitter {
  readonly stats: InboundJitterStats = { chunks: 0, reordered: 0, late: 0, duplicates: 0, lost: 0, filledFrames: 0, trimmedFrames: 0, discontinuities: 0 };
  /** Frames output so far. */
  position = 0;

  private readonly framesPerMs: number;
  private readonly silence: Uint8Array;
  private readonly maxHeld: number;
  private readonly holdMs: number;
  private readonly fillAfterMs: number;
  private readonly toleranceMs: number;
  private readonly maxGapMs: number;
  private readonly emit: InboundJitterOptions['emit'];
  private readonly held: Held[] = [];
  /** Chunk numbering started (the first chunk is known). */
  private started = false;
  /** The time origin is set (by `begin` or the first chunk). */
  private anchored = false;
  private nextChunk = 0;
  /** Carrier time of stream position 0, ms. */
  private originMs = 0;
  /** Least (arrival - carrier time at the chunk's end) seen, creeping up; NaN before the first chunk. */
  private offsetMs = Number.NaN;
  private offsetAt = 0;

  constructor(options: InboundJitterOptions) {
    this.framesPerMs = options.framesPerMs;
    this.silence = new Uint8Array(options.frameBytes ?? 160).fill(options.silenceByte);
    this.maxHeld = options.maxHeld ?? 16;
    this.holdMs = options.holdMs ?? 40;
    this.fillAfterMs = options.fillAfterMs ?? 80;
    this.toleranceMs = options.toleranceMs ?? 2;
    this.maxGapMs = options.maxGapMs ?? 10_000;
    this.emit = options.emit;
  }

  /**
   * The carrier started the stream at `nowMs` (its timestamps count from here): silence is filled
   * by the clock from now on, even before the first chunk (a carrier that omits silence from the start).
   */
  begin(nowMs: number): void {
    if (this.anchored) return;
    this.anchored = true;
    this.originMs = 0;
    this.offsetMs = nowMs;
    this.offsetAt = nowMs;
  }

  /** Carrier time the stream has reached, ms. */
  get streamMs(): number {
    return this.originMs + this.position / this.framesPerMs;
  }

  /** Chunks waiting for a missing one before them. */
  get heldChunks(): number {
    return this.held.length;
  }

  /**
   * One chunk arrived at `nowMs`: `chunk` its number (undefined: the next one), `timestampMs` the
   * carrier's time of its first frame. Emits what it completes.
   */
  push(chunk: number | undefined, timestampMs: number, payload: Uint8Array, nowMs: number): void {
    const number = chunk ?? (this.held.length > 0 ? this.held[this.held.length - 1]!.chunk + 1 : this.nextChunk);
    this.observeArrival(timestampMs + payload.length / this.framesPerMs, nowMs);
    if (this.started && number < this.nextChunk) {
      this.stats.late++;
      return;
    }
    if (this.started && number === this.nextChunk && this.held.length === 0) {
      // in order (the usual case): straight into the stream
      this.nextChunk = number + 1;
      this.take(timestampMs, payload);
      return;
    }
    let at = this.held.length;
    while (at > 0 && this.held[at - 1]!.chunk > number) at--;
    if (at > 0 && this.held[at - 1]!.chunk === number) {
      this.stats.duplicates++;
      return;
    }
    if (at < this.held.length) this.stats.reordered++;
    this.held.splice(at, 0, { chunk: number, timestampMs, arrivalMs: nowMs, payload });
    this.release(nowMs);
  }

  /** Time passed: releases chunks that waited long enough, and fills silence when the carrier is quiet. */
  poll(nowMs: number): void {
    this.release(nowMs);
    if (this.held.length > 0 || Number.isNaN(this.offsetMs)) return;
    const targetMs = this.carrierNow(nowMs) - this.fillAfterMs;
    const frameMs = this.silence.length / this.framesPerMs;
    while (this.streamMs + frameMs <= targetMs) this.fill(this.silence.length);
  }

  /** Releases every held chunk (the stream ended). */
  drain(): void {
    this.release(Number.POSITIVE_INFINITY);
  }

  private carrierNow(nowMs: number): number {
    return nowMs - (this.offsetMs + (nowMs - this.offsetAt) * OFFSET_CREEP);
  }

  private observeArrival(carrierEndMs: number, nowMs: number): void {
    const sample = nowMs - carrierEndMs;
    const current = Number.isNaN(this.offsetMs) ? sample : this.offsetMs + (nowMs - this.offsetAt) * OFFSET_CREEP;
    this.offsetMs = Math.min(current, sample);
    this.offsetAt = nowMs;
  }

  private release(nowMs: number): void {
    const held = this.held;
    if (!this.started) {
      // the stream starts at chunk 1 (carriers number from 1), or at the lowest seen once it waited
      const first = held[0];
      if (first === undefined || (first.chunk > 1 && nowMs - first.arrivalMs < this.holdMs && held.length <= this.maxHeld)) return;
      this.started = true;
      this.nextChunk = first.chunk;
      if (!this.anchored) {
        this.anchored = true;
        this.originMs = first.timestampMs;
      }
    }
    while (held.length > 0) {
      const first = held[0]!;
      if (first.chunk !== this.nextChunk && nowMs - first.arrivalMs < this.holdMs && held.length <= this.maxHeld) return;
      if (first.chunk > this.nextChunk) this.stats.lost += first.chunk - this.nextChunk;
      held.shift();
      this.nextChunk = first.chunk + 1;
      this.take(first.timestampMs, first.payload);
    }
  }

  /** Puts one chunk in the stream at its timestamp: silence before it for a gap, its head cut for an overlap. */
  private take(timestampMs: number, payload: Uint8Array): void {
    let gapMs = timestampMs - this.streamMs;
    let start = 0;
    if (Math.abs(gapMs) > this.maxGapMs) {
      // the carrier's clock jumped (or it does not count from the stream's start): follow it
      this.originMs += gapMs;
      this.stats.discontinuities++;
      gapMs = 0;
    }
    if (gapMs > this.toleranceMs) {
      let frames = Math.round(gapMs * this.framesPerMs);
      while (frames > 0) {
        const n = Math.min(frames, this.silence.length);
        this.fill(n);
        frames -= n;
      }
    } else if (gapMs < -this.toleranceMs) {
      start = Math.min(payload.length, Math.round(-gapMs * this.framesPerMs));
      this.stats.trimmedFrames += start;
    }
    if (start === payload.length) {
      this.stats.late++;
      return;
    }
    this.stats.chunks++;
    this.position += payload.length - start;
    this.emit(payload, start, payload.length, false);
  }

  private fill(frames: number): void {
    this.stats.filledFrames += frames;
    this.position += frames;
    this.emit(this.silence, 0, frames, true);
  }
}
