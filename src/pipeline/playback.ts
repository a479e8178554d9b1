// PlaybackPipeline: a session's audio deltas (base64 PCM16, per item) -> PCM16 -> float ->
// resampled to the device rate -> a bounded buffer read in fixed quanta by the audio callback.
// It counts, per item, the frames actually read out, so `interrupt()` can flush everything at
// once and say how much of the playing item was heard (the `audio_end_ms` of a truncate). What
// is read (fades and limiter included) also goes to the echo gate as its reference.
//
// Playout (NetEq's split, in spirit): ArrivalStats measures how late each arrival came against its
// item's first one, the DelayManager turns that into an adaptive playout delay, and the Playout
// (the decision logic) starts, pauses and resumes items with raised-cosine fades (Fade), so no
// transition clicks: start, underrun, resume, item change, interrupt. Frames read at any gain
// count as heard; the fade-out that follows `interrupt()` plays frames after the cut and counts
// as flushed, so `playedMs` is exactly the item's audio read before the interrupt.
//
// Where the resampler sits. By default each item is resampled to the device rate as it arrives (on
// fixed 128-frame blocks, an item's last block may be shorter, so the output is identical whatever
// the delta sizes), and the buffer, playout, fades and limiter work on device frames. With a
// `sessionReference` they work at the session rate instead, and one continuous resampler after
// them (PlayoutResampler) makes the device's stream: `read()` pulls session blocks through the
// playout, hands each to `sessionReference` exactly as played (zeros while nothing plays: what
// an echo canceller at the session rate needs, with no resampler of its own), then resamples it.
// `playoutRate` is the rate of the playout's frames and counters (stats, playout delay). Stream accounting is in integer frames;
// milliseconds are derived from them. `read()` is allocation-free; `pushDelta()` allocates while
// decoding (once per delta, off the audio thread).
import { decodeBase64 } from '../kernels/base64.js';
import { decodeG711 } from '../kernels/g711.js';
import { BLOCK_FRAMES, REALTIME_SAMPLE_RATE } from '../constants.js';
import { OptionsError } from '../errors.js';
import { freedError } from '../wasm/blocks.js';
import { AudioInputError } from './errors.js';
import { FloatRing } from './ring-buffer.js';
import { ItemLedger, type PlaybackItem } from './playback-items.js';
import { BlockResampler } from './block-resampler.js';
import { RecentIds } from './recent-ids.js';
import { checkChoice, checkNumber, checkRate, rejectRenamed } from './options.js';
import { Fade } from './fade.js';
import { OutputLimiter } from './limiter.js';
import { ArrivalStats } from './playout-arrivals.js';
import { DelayManager, REBUFFER_MARGIN_MS } from './playout-delay.js';
import { Playout } from './playout.js';
import { PlayoutResampler } from './playout-resampler.js';
import { checkSink, playoutSettings } from './playback-options.js';
import { AUDIO_ENCODINGS, type AudioEncoding } from './capture.js';

import { newPlaybackStats, type PlaybackInterruption, type PlaybackPipelineOptions, type PlaybackReferenceSink, type PlaybackStats } from './playback-types.js';

export type { PlaybackInterruption, PlaybackPipelineOptions, PlaybackReferenceSink, PlaybackStats } from './playback-types.js';
export { newPlaybackStats } from './playback-types.js';

/** Interrupted items remembered, so that their late deltas are not played. */
const RECENTLY_INTERRUPTED = 16;

/** Renamed options (old name: new name): passing an old name throws an OptionsError naming the new one. */
export const RENAMED_PLAYBACK_OPTIONS: Readonly<Record<string, string>> = Object.freeze({
  maxBufferedMs: 'maxPlaybackMs',
  startThresholdMs: 'playbackStartMs',
});

/**
 * Session audio deltas (base64 PCM16, per item) to the speaker: decoded, resampled to the device
 * rate, buffered (bounded), read in fixed quanta; `interrupt()` flushes at once and says how much
 * of the playing item was heard. Lifecycle: construct, pushDelta/read, endItem, interrupt, flush
 * (end of the session's audio), reset, free.
 */
export class PlaybackPipeline {
  readonly outputRate: number;
  readonly inputRate: number;
  /** Most audio held, ms (the `maxPlaybackMs` option). */
  readonly maxPlaybackMs: number;
  readonly encoding: AudioEncoding;
  /**
   * Rate of the playout (buffer, fades, limiter) and of the frame counts in `stats`, Hz: `outputRate`,
   * or `inputRate` with a `sessionReference`.
   */
  readonly playoutRate: number;
  readonly stats: PlaybackStats = newPlaybackStats();

  private readonly ring: FloatRing;
  private readonly ledger: ItemLedger;
  /** Session audio to the device rate, on fixed 128-frame blocks; its output goes to `store` (undefined with a `sessionReference`). */
  private readonly resampler: BlockResampler | undefined;
  /** Decoded session samples on their way to `store` (with a `sessionReference`). */
  private readonly decoded: Float32Array;
  private readonly echoGate: PlaybackReferenceSink | undefined;
  private readonly sessionReference: PlaybackReferenceSink | undefined;
  /** The resampler after the playout (with a `sessionReference`), or undefined. */
  private readonly deviceStage: PlayoutResampler | undefined;
  private readonly arrivals: ArrivalStats;
  private readonly delay: DelayManager;
  private readonly playout: Playout;
  private readonly limiter: OutputLimiter | undefined;
  private readonly fade: Fade;
  /** The item whose audio goes through the resampler now (its tail is flushed when it ends). */
  private receiving: PlaybackItem | undefined;
  private readonly interrupted = new RecentIds(RECENTLY_INTERRUPTED);
  private freed = false;

  constructor(options: PlaybackPipelineOptions) {
    if (options === null || typeof options !== 'object') {
      throw new OptionsError('PlaybackPipeline needs options: { outputRate, inputRate?, maxPlaybackMs?, playbackStartMs? }');
    }
    rejectRenamed('PlaybackPipeline', options, RENAMED_PLAYBACK_OPTIONS);
    this.outputRate = checkRate('outputRate', options.outputRate);
    this.inputRate = checkRate('inputRate', options.inputRate ?? REALTIME_SAMPLE_RATE);
    const quality = checkChoice('quality', options.quality, 'high', ['voice', 'high'] as const);
    this.maxPlaybackMs = checkNumber('maxPlaybackMs', options.maxPlaybackMs, 60_000, 100, 600_000);
    const maxItems = checkNumber('maxItems', options.maxItems, 64, 2, 4096);
    this.encoding = checkChoice('encoding', options.encoding, 'pcm16', AUDIO_ENCODINGS);
    if (this.encoding !== 'pcm16' && this.inputRate !== 8000) {
      throw new OptionsError(`G.711 (${this.encoding}) is 8 kHz audio: inputRate must be 8000, got ${this.inputRate}`);
    }
    this.echoGate = options.echoGate;
    this.sessionReference = checkSink('sessionReference', options.sessionReference);
    const rate = this.sessionReference === undefined ? this.outputRate : this.inputRate;
    this.playoutRate = rate;
    const playout = playoutSettings(options, rate);
    this.ring = new FloatRing(Math.ceil((this.maxPlaybackMs * rate) / 1000));
    this.ledger = new ItemLedger(Math.round(maxItems));
    const sessionRate = this.sessionReference !== undefined;
    this.resampler = sessionRate ? undefined : new BlockResampler({ inputRate: this.inputRate, outputRate: rate, quality, blockFrames: BLOCK_FRAMES });
    this.decoded = new Float32Array(sessionRate ? BLOCK_FRAMES : 0);
    this.deviceStage = sessionRate ? new PlayoutResampler(rate, this.outputRate, quality) : undefined;
    const fade = new Fade(playout.fadeFrames);
    this.fade = fade;
    this.arrivals = new ArrivalStats(rate, playout.maxFrames);
    this.delay = new DelayManager({
      minFrames: playout.minFrames,
      maxFrames: playout.maxFrames,
      startFrames: playout.startFrames,
      reserveFrames: playout.fadeFrames + BLOCK_FRAMES,
      marginFrames: Math.round((REBUFFER_MARGIN_MS * rate) / 1000),
    });
    // (re)start with at least two fades of audio, so a fade-in is never cut short by the next fade-out
    this.playout = new Playout(this.ring, this.ledger, fade, this.delay, this.stats, Math.max(1, playout.minFrames, 2 * playout.fadeFrames));
    const limiter = playout.limiter;
    this.limiter = limiter === undefined ? undefined : new OutputLimiter(rate, limiter.thresholdDb, limiter.releaseMs);
    this.stats.playoutDelayFrames = this.delay.targetFrames;
  }

  /** The playout delay now, ms (adaptive between minPlayoutMs and maxPlayoutMs). */
  get playoutDelayMs(): number {
    return (this.delay.targetFrames * 1000) / this.playoutRate;
  }

  /** Audio buffered for the speaker, in ms. */
  get bufferedMs(): number {
    return (this.ring.availableFrames * 1000) / this.playoutRate;
  }

  /** Frames buffered, at `playoutRate`. */
  get bufferedFrames(): number {
    return this.ring.availableFrames;
  }

  /** True while an item is buffered or still expected to deliver audio. */
  get active(): boolean {
    return this.ledger.count > 0;
  }

  /** The item now playing (or next to play), or null. */
  get playingItemId(): string | null {
    return this.ledger.first()?.itemId ?? null;
  }

  /**
   * Queues one base64 PCM16 (or G.711, per `encoding`) delta of item `itemId` (at `inputRate`).
   * Returns the session frames accepted (0 for an interrupted item's late delta). Throws
   * `Base64Error` on invalid base64 and `AudioInputError('odd_byte_count')` after queuing the whole
   * samples of an odd-length PCM16 delta. Allocates (decoding).
   */
  pushDelta(base64: string, itemId: string): number {
    if (this.freed) throw freedError('PlaybackPipeline');
    const bytes = decodeBase64(base64);
    if (this.encoding !== 'pcm16') return this.pushPcm16(decodeG711(this.encoding, bytes), itemId);
    const samples = bytes.length >> 1;
    const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, samples);
    const accepted = this.pushPcm16(pcm, itemId);
    if ((bytes.length & 1) !== 0) {
      this.stats.badDeltas++;
      throw new AudioInputError(
        'odd_byte_count',
        `audio delta of item ${itemId} has ${bytes.length} bytes, not whole 16-bit samples; the last byte was dropped`,
      );
    }
    return accepted;
  }

  /** Queues PCM16 samples of item `itemId` (at `inputRate`); see `pushDelta`. */
  pushPcm16(pcm: Int16Array, itemId: string): number {
    if (this.freed) throw freedError('PlaybackPipeline');
    if (typeof itemId !== 'string' || itemId.length === 0) {
      throw new AudioInputError('invalid_item_id', `item id must be a non-empty string, got ${String(itemId)}`);
    }
    if (this.interrupted.has(itemId)) {
      this.stats.lateFrames += pcm.length;
      return 0;
    }
    const item = this.itemFor(itemId);
    if (item === undefined) {
      this.stats.overflowFrames += Math.ceil((pcm.length * this.playoutRate) / this.inputRate);
      return 0;
    }
    item.receivedFrames += pcm.length;
    this.stats.receivedFrames += pcm.length;
    this.arrivals.begin(item, this.playout.clockFrames);
    const writtenBefore = item.writtenFrames;
    const stage = this.resampler;
    if (stage === undefined) {
      // at the session rate: decoded (x / 32768, exact) straight into the buffer
      const decoded = this.decoded;
      for (let at = 0; at < pcm.length; at += decoded.length) {
        const n = Math.min(decoded.length, pcm.length - at);
        for (let i = 0; i < n; i++) decoded[i] = pcm[at + i]! / 32768;
        this.store(item, decoded, n);
      }
    } else {
      for (let at = 0; at < pcm.length; ) {
        at = stage.pushPcm16(pcm, at);
        if (stage.outputFrames > 0) this.store(item, stage.output, stage.outputFrames);
      }
    }
    this.arrived(item, writtenBefore);
    return pcm.length;
  }

  /** No more audio will come for `itemId`: the resampler's tail is queued and the item may finish. */
  endItem(itemId: string): void {
    if (this.receiving !== undefined && this.receiving.itemId === itemId) {
      this.finishReceiving();
      return;
    }
    for (let i = 0; i < this.ledger.count; i++) {
      const item = this.ledger.at(i);
      if (item.itemId === itemId) item.ended = true;
    }
    this.ledger.prune();
  }

  /**
   * Fills `output` with the next frames for the speaker; returns the frames of audio written, the
   * rest of `output` being zero-filled (with a `sessionReference`: the session frames played,
   * converted to device frames, the resampler's ringing aside). Allocation-free (for the audio
   * callback).
   */
  read(output: Float32Array): number {
    if (this.freed) throw freedError('PlaybackPipeline');
    const stage = this.deviceStage;
    let written: number;
    if (stage === undefined) {
      written = this.playOut(output);
    } else {
      // whole session blocks through the playout, each to the tap as played, then to the device
      let played = 0;
      const sink = this.sessionReference!;
      for (let pos = stage.drain(output, 0); pos < output.length; pos = stage.drain(output, pos)) {
        const releasing = this.playout.releasing; // a barge-in's fade-out is audio too
        const frames = this.playOut(stage.block);
        sink.pushReference(stage.block);
        stage.push(frames > 0 || releasing);
        played += frames;
      }
      // min(length, round(played x out / in)), in whole numbers when it is the whole output (every
      // full read: round(x) >= length when 2 x >= 2 length - 1): a fractional quotient would be a
      // boxed number, 16 bytes a read, while the JIT has not optimised this (or has just deoptimised it)
      const length = output.length;
      written = 2 * played * this.outputRate >= (2 * length - 1) * this.playoutRate ? length : Math.round((played * this.outputRate) / this.playoutRate);
    }
    if (this.echoGate !== undefined) this.echoGate.pushReference(output);
    return written;
  }

  /**
   * Stops playback at once: flushes every buffered frame of every item, resets the resampler and
   * remembers the flushed items so their late deltas are not played. Returns the item that was
   * playing and how much of it was heard: the frames read before this call (the next reads play a
   * fade-out of at most `fadeMs` over the frames that came next; they count as flushed).
   */
  interrupt(): PlaybackInterruption {
    if (this.freed) throw freedError('PlaybackPipeline');
    const ledger = this.ledger;
    const first = ledger.first();
    const playing = first !== undefined && first.playedFrames > 0 ? first : (ledger.lastPlayed ?? first);
    // buffered frames, and the session frames still waiting for a whole resampler block
    const pending = this.resampler === undefined ? 0 : this.resampler.pendingFrames;
    let flushedFrames = this.ring.availableFrames + Math.round((pending * this.playoutRate) / this.inputRate);
    // played into the resampler after the playout but not yet out of the speaker: not heard (they
    // reach the speaker after the cut, as the release does, and count as flushed like it)
    const heldFrames = this.deviceStage === undefined ? 0 : this.deviceStage.heldSessionFrames;
    let result: PlaybackInterruption;
    if (playing === undefined) {
      result = { itemId: null, playedMs: 0, playedFrames: 0, receivedFrames: 0, playedToEnd: false, flushedMs: 0 };
    } else {
      const heard = Math.max(0, playing.playedFrames - heldFrames);
      const unheard = playing.playedFrames - heard;
      this.stats.playedFrames -= unheard;
      flushedFrames += unheard;
      const playedFrames = Math.min(playing.receivedFrames, Math.floor((heard * this.inputRate) / this.playoutRate));
      result = {
        itemId: playing.itemId,
        playedMs: (playedFrames * 1000) / this.inputRate,
        playedFrames,
        receivedFrames: playing.receivedFrames,
        playedToEnd: playing.ended && playing.bufferedFrames === 0 && heldFrames === 0,
        flushedMs: (flushedFrames * 1000) / this.playoutRate,
      };
    }
    for (let i = 0; i < ledger.count; i++) this.interrupted.add(ledger.at(i).itemId);
    if (playing !== undefined) this.interrupted.add(playing.itemId); // also when it had left the ledger, played to its end
    this.stats.flushedFrames += flushedFrames;
    this.playout.releaseNow();
    this.ring.clear();
    ledger.clear();
    this.resampler?.reset();
    this.receiving = undefined;
    return result;
  }

  /**
   * Ends the session's audio for now: the item being received gets its resampler tail queued and
   * ends (as `endItem` would), so everything received can be played out. Buffered audio stays.
   */
  flush(): void {
    if (this.freed) throw freedError('PlaybackPipeline');
    if (this.receiving !== undefined) this.finishReceiving();
  }

  /**
   * Forgets everything (buffer, items, interrupted ids; the playing item fades out over the next
   * read as on `interrupt()`); counters and the learned playout delay are kept.
   */
  reset(): void {
    if (this.freed) throw freedError('PlaybackPipeline');
    this.playout.releaseNow();
    this.ring.clear();
    this.ledger.clear();
    this.resampler?.reset();
    this.receiving = undefined;
    this.interrupted.clear();
  }

  /**
   * Returns the resampler's kernel memory (an echo gate you passed stays yours to free); afterwards
   * every call throws RealtimePcmError('freed'). Idempotent.
   */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.resampler?.free();
    this.deviceStage?.free();
  }

  /** The playout's frames into `output` (at `playoutRate`), then the limiter; returns the frames of audio. */
  private playOut(output: Float32Array): number {
    const written = this.playout.read(output);
    this.stats.playedFrames += written;
    this.stats.fadedFrames = this.fade.fadedFrames;
    if (this.limiter !== undefined) {
      this.limiter.process(output, 0, output.length);
      this.stats.limitedFrames = this.limiter.limitedFrames;
    }
    return written;
  }

  private itemFor(itemId: string): PlaybackItem | undefined {
    if (this.receiving !== undefined && this.receiving.itemId === itemId) return this.receiving;
    if (this.receiving !== undefined) this.finishReceiving();
    const item = this.ledger.push(itemId);
    this.receiving = item;
    return item;
  }

  private finishReceiving(): void {
    const item = this.receiving!;
    const stage = this.resampler;
    const writtenBefore = item.writtenFrames;
    if (stage !== undefined && stage.end() > 0) this.store(item, stage.output, stage.outputFrames); // the partial block and the filter's tail
    this.arrived(item, writtenBefore);
    item.ended = true;
    this.delay.itemEnded(this.arrivals);
    this.stats.playoutDelayFrames = this.delay.targetFrames;
    this.receiving = undefined;
    this.ledger.prune();
  }

  /** Frames of `item` from `writtenBefore` on became available now: an arrival for the jitter buffer. */
  private arrived(item: PlaybackItem, writtenBefore: number): void {
    if (item.writtenFrames === writtenBefore) return;
    this.arrivals.arrive(item, this.playout.clockFrames, writtenBefore, item.writtenFrames - writtenBefore);
    this.delay.arrival(this.arrivals, item.peakDelayFrames);
    this.stats.playoutDelayFrames = this.delay.targetFrames;
  }

  private store(item: PlaybackItem, source: Float32Array, frames: number): void {
    const written = this.ring.write(source, 0, frames);
    item.writtenFrames += written;
    item.bufferedFrames += written;
    this.stats.overflowFrames += frames - written;
  }
}
