// CarrierPlayout: a session's audio played to a phone caller through the carrier's media stream,
// for a RealtimeAudioAdapter (its `playout`). The session's deltas are G.711 already (OpenAI
// `audio/pcmu` / `audio/pcma`: passed through, bit for bit) or PCM16 (transcoded by a
// TelephonyBridge to 8 kHz G.711); they are queued per item and sent in 20 ms `media` frames,
// paced to keep `leadMs` in the carrier's buffer (the carrier drops its buffer at a `clear`, so
// keeping it short keeps what is in flight small). After a frame, at most once per
// `markIntervalMs`, a `mark` goes out; the carrier echoes it once played, and the PlayedLedger
// turns marks and send times into what the caller heard. `interrupt()` sends `clear`, then a short
// fade-out from where the caller is (the cut is not a click), and reports what was heard of the
// item playing, in session frames (never more than received or sent), and the items not heard.
import { decodeBase64, decodedLength, encodeBase64 } from '../kernels/base64.js';
import { decodeG711, encodeG711, type G711Law } from '../kernels/g711.js';
import type { ResamplerQuality } from '../kernels/resampler.js';
import { AudioInputError } from '../pipeline/errors.js';
import { fadeOutPcm16 } from '../pipeline/fade.js';
import { ItemQueue } from '../pipeline/item-queue.js';
import { newPlaybackStats, type PlaybackStats } from '../pipeline/playback.js';
import { PlayedLedger, type LedgerCut } from '../pipeline/played-ledger.js';
import { RecentIds } from '../pipeline/recent-ids.js';
import { TelephonyBridge } from '../pipeline/telephony.js';
import { freedError } from '../wasm/blocks.js';
import { carrierClear, carrierMark, carrierMedia, markName, parseMarkName } from './carrier-messages.js';
import type { Clock } from './clock.js';
import type { PlayoutInterruption, SessionPlayout } from './playout.js';

/** 8 kHz: G.711 frames per ms. */
const FRAMES_PER_MS = 8;
const PHONE_RATE = 8000;
/** Audio per `media` message to the carrier, frames (20 ms). */
export const CARRIER_FRAME_BYTES = 160;
/** Audio kept of what was sent, for the fade-out at a clear, frames (1 s). */
const HISTORY_FRAMES = 8000;
/** The ledger's item id for the fade-out (never a session item). */
const FADE_ITEM = '\u0000fade';

export interface CarrierPlayoutOptions {
  /** The carrier stream's G.711 law. */
  law: G711Law;
  /** 'passthrough': deltas are G.711 of `law` (OpenAI audio/pcmu, audio/pcma); 'transcode': PCM16 at `sessionRate`. */
  mode: 'passthrough' | 'transcode';
  /** Rate of the session's PCM16 when transcoding, Hz. Default 24000. */
  sessionRate?: number;
  /** Sends one message to the carrier. */
  send: (message: Record<string, unknown>) => void;
  clock: Clock;
  /** Audio kept in the carrier's buffer ahead of playout, ms. */
  leadMs: number;
  /** Least time between two marks, ms. */
  markIntervalMs: number;
  /** Audio queued here at most (the rest is dropped and counted), ms. */
  maxQueuedMs: number;
  /** Fade-out sent after a clear, ms (0: none). */
  fadeOutMs: number;
  quality?: ResamplerQuality;
}

/** The carrier-side counters, beside the PlaybackStats. */
export interface CarrierPlayoutStats {
  framesSent: number;
  marksSent: number;
  /** Echoed marks taken, from before a clear (ignored), not ours or unknown, and given up as lost. */
  marksConfirmed: number;
  marksStale: number;
  marksUnknown: number;
  marksLost: number;
  clears: number;
  fades: number;
  /** Frames of audio in the carrier's buffer, as the ledger sees it now. */
  inFlightFrames: number;
}

interface ItemState {
  itemId: string;
  /** Session frames received. */
  receivedFrames: number;
  /** 8 kHz frames sent to the carrier. */
  sentFrames: number;
  ended: boolean;
}

/**
 * The session's audio to a phone caller through the carrier's media stream (a PhoneBridge's
 * `playout`): paced 20 ms frames, marks, `clear` and a fade-out at a barge-in, and what the caller
 * heard from the PlayedLedger. Lifecycle: construct, pushDelta/endItem/pump, interrupt, reset, free.
 */
export class CarrierPlayout implements SessionPlayout {
  readonly outputRate = PHONE_RATE;
  readonly law: G711Law;
  readonly mode: 'passthrough' | 'transcode';
  readonly sessionRate: number;
  /** The carrier's stream id; nothing is sent before it is known (`start`). */
  streamSid: string | undefined;
  readonly ledger: PlayedLedger;

  private readonly counters: PlaybackStats = newPlaybackStats();
  private readonly options: CarrierPlayoutOptions;
  private readonly telephony: TelephonyBridge | undefined;
  private readonly queue: ItemQueue;
  private readonly frame = new Uint8Array(CARRIER_FRAME_BYTES);
  private readonly history = new Uint8Array(HISTORY_FRAMES);
  private readonly items: ItemState[] = [];
  private readonly interrupted = new RecentIds(16);
  private receiving: ItemState | undefined;
  private lastMarkAt = Number.NEGATIVE_INFINITY;
  /** Frames heard in generations before this one. */
  private heardBefore = 0;
  private generationStart = 0;
  private dry = true;
  private framesSent = 0;
  private clears = 0;
  private fades = 0;
  private freed = false;

  constructor(options: CarrierPlayoutOptions) {
    this.options = options;
    this.law = options.law;
    this.mode = options.mode;
    this.sessionRate = options.mode === 'passthrough' ? PHONE_RATE : (options.sessionRate ?? 24000);
    if (options.mode === 'transcode') this.telephony = new TelephonyBridge({ law: options.law, sessionRate: this.sessionRate, quality: options.quality });
    this.queue = new ItemQueue(Math.ceil(options.maxQueuedMs * FRAMES_PER_MS));
    this.ledger = new PlayedLedger({ framesPerMs: FRAMES_PER_MS });
  }

  /** PlaybackStats (received in session frames, played = heard, flushed, at 8 kHz). Updated when read. */
  get stats(): PlaybackStats {
    this.counters.playedFrames = this.heardBefore + this.ledger.heardPosition(this.options.clock.now()) - this.generationStart;
    return this.counters;
  }

  /** The carrier-side counters (allocates). */
  get carrierStats(): CarrierPlayoutStats {
    const now = this.options.clock.now();
    const c = this.ledger.counts;
    return {
      framesSent: this.framesSent,
      marksSent: c.marksSent,
      marksConfirmed: c.confirmed,
      marksStale: c.stale,
      marksUnknown: c.unknown,
      marksLost: c.overdue + c.skipped,
      clears: this.clears,
      fades: this.fades,
      inFlightFrames: this.ledger.sentPosition - this.ledger.upper(now),
    };
  }

  /** True while audio is queued, in the carrier's buffer, or still coming for an item. */
  get active(): boolean {
    if (this.queue.frames > 0 || (this.receiving !== undefined && !this.receiving.ended)) return true;
    return this.ledger.heardPosition(this.options.clock.now()) < this.ledger.sentPosition;
  }

  /** Audio queued here, not yet sent, ms. */
  get queuedMs(): number {
    return this.queue.frames / FRAMES_PER_MS;
  }

  pushDelta(base64: string, itemId: string): number {
    if (this.freed) throw freedError('CarrierPlayout');
    if (this.interrupted.has(itemId)) {
      this.counters.lateFrames += Math.floor(Math.max(0, decodedLength(base64)) / (this.mode === 'passthrough' ? 1 : 2));
      return 0;
    }
    const bytes = decodeBase64(base64);
    let codes: Uint8Array;
    let frames: number;
    const item = this.itemFor(itemId);
    if (this.telephony === undefined) {
      codes = bytes;
      frames = bytes.length;
    } else {
      frames = bytes.length >> 1;
      codes = this.telephony.fromSession(new Int16Array(bytes.buffer, bytes.byteOffset, frames));
    }
    item.receivedFrames += frames;
    this.counters.receivedFrames += frames;
    this.enqueue(itemId, codes);
    this.pump();
    if (this.telephony !== undefined && (bytes.length & 1) !== 0) {
      this.counters.badDeltas++;
      throw new AudioInputError(
        'odd_byte_count',
        `audio delta of item ${itemId} has ${bytes.length} bytes, not whole 16-bit samples; the last byte was dropped`,
      );
    }
    return frames;
  }

  endItem(itemId: string): void {
    if (this.receiving?.itemId === itemId) this.finishReceiving();
    for (const item of this.items) if (item.itemId === itemId) item.ended = true;
    this.pump();
  }

  /** A mark came back from the carrier: returns how it was taken. */
  markEchoed(name: string): 'confirmed' | 'stale' | 'unknown' {
    const parsed = parseMarkName(name);
    if (parsed === undefined) {
      this.ledger.counts.unknown++;
      return 'unknown';
    }
    const result = this.ledger.markEchoed(parsed.generation, parsed.seq, this.options.clock.now());
    if (result === 'confirmed') this.pump();
    return result;
  }

  /**
   * Sends what is due: frames while the carrier holds less than `leadMs` (as the ledger's upper
   * model sees it), a mark after a frame once `markIntervalMs` passed since the last.
   */
  pump(): void {
    const sid = this.streamSid;
    if (sid === undefined || this.freed) return;
    const now = this.options.clock.now();
    const ledger = this.ledger;
    const leadFrames = this.options.leadMs * FRAMES_PER_MS;
    while (this.queue.frames > 0 && ledger.canSend && ledger.sentPosition - ledger.upper(now) < leadFrames) {
      const itemId = this.queue.nextItemId!;
      const item = this.items.find((x) => x.itemId === itemId);
      const n = this.queue.take(this.frame);
      const frame = n === CARRIER_FRAME_BYTES ? this.frame : this.frame.subarray(0, n);
      this.remember(frame, ledger.sentPosition);
      this.options.send(carrierMedia(sid, encodeBase64(frame)));
      ledger.sent(itemId, n, now);
      if (item !== undefined) item.sentFrames += n;
      this.framesSent++;
      this.dry = false;
      if (now - this.lastMarkAt >= this.options.markIntervalMs) {
        this.lastMarkAt = now;
        const seq = ledger.markSent(now);
        this.options.send(carrierMark(sid, markName(ledger.generation, seq, itemId, (item?.sentFrames ?? 0) / FRAMES_PER_MS)));
      }
    }
    if (!this.dry && this.queue.frames === 0 && this.receiving !== undefined && !this.receiving.ended && ledger.upper(now) >= ledger.sentPosition) {
      this.dry = true;
      this.counters.underruns++;
    }
  }

  /**
   * Stops the caller's playback now: `clear` to the carrier, a fade-out of what was playing, and
   * what was heard. Late deltas of the items cut are dropped.
   */
  interrupt(): PlayoutInterruption {
    if (this.freed) throw freedError('CarrierPlayout');
    const now = this.options.clock.now();
    const generationEnd = this.ledger.sentPosition;
    const cut = this.endGeneration(now);
    const sid = this.streamSid;
    if (sid !== undefined && (cut.droppedFrames > 0 || this.queue.frames > 0)) {
      this.options.send(carrierClear(sid));
      this.clears++;
      if (cut.droppedFrames > 0) this.fadeOut(sid, cut.heardPosition, generationEnd, now);
    }
    const sent = cut.items.filter((item) => item.itemId !== FADE_ITEM);
    const queued = this.queue.itemIds();
    const first = sent[0];
    const unheard: string[] = [];
    for (let i = 1; i < sent.length; i++) unheard.push(sent[i]!.itemId);
    for (const id of queued) if (!unheard.includes(id) && id !== first?.itemId) unheard.push(id);
    let result: PlayoutInterruption;
    const flushedFrames = cut.droppedFrames + this.queue.frames;
    if (first === undefined) {
      const firstQueued = queued[0];
      result = {
        itemId: firstQueued ?? null,
        playedMs: 0,
        playedFrames: 0,
        receivedFrames: firstQueued === undefined ? 0 : this.received(firstQueued),
        playedToEnd: false,
        flushedMs: flushedFrames / FRAMES_PER_MS,
        unheardItemIds: unheard,
      };
    } else {
      const received = this.received(first.itemId);
      const playedFrames = Math.min(received, this.toSessionFrames(first.heardFrames));
      const state = this.items.find((item) => item.itemId === first.itemId);
      const playedToEnd = first.heardFrames === first.sentFrames && state?.ended === true && this.queue.framesOf(first.itemId) === 0;
      if (first.heardFrames === 0) unheard.unshift(first.itemId);
      result = {
        itemId: first.itemId,
        playedMs: (playedFrames * 1000) / this.sessionRate,
        playedFrames,
        receivedFrames: received,
        playedToEnd,
        flushedMs: flushedFrames / FRAMES_PER_MS,
        unheardItemIds: unheard,
      };
    }
    for (const item of this.items) this.interrupted.add(item.itemId);
    this.counters.flushedFrames += flushedFrames;
    this.dropAll();
    return result;
  }

  /**
   * Forgets everything (queued audio, items, interrupted ids; counters are kept), clearing the
   * carrier's buffer if audio is in it: nothing of before plays after.
   */
  reset(): void {
    if (this.freed) throw freedError('CarrierPlayout');
    const cut = this.endGeneration(this.options.clock.now());
    if (this.streamSid !== undefined && cut.droppedFrames > 0) {
      this.options.send(carrierClear(this.streamSid));
      this.clears++;
    }
    this.dropAll();
    this.interrupted.clear();
  }

  /** Returns the transcoder's kernel memory. Idempotent; afterwards every call throws RealtimePcmError('freed'). */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.telephony?.free();
  }

  // ---- internals ------------------------------------------------------------------------------

  /** The carrier drops what it holds (a clear): the ledger's generation ends; what was heard is kept. */
  private endGeneration(now: number): LedgerCut {
    const generationEnd = this.ledger.sentPosition;
    const cut = this.ledger.clear(now);
    this.heardBefore += cut.heardPosition - this.generationStart;
    this.generationStart = generationEnd;
    return cut;
  }

  /** Forgets the queued audio, the items and the transcoder's state. */
  private dropAll(): void {
    this.queue.clear();
    this.telephony?.reset();
    this.items.length = 0;
    this.receiving = undefined;
    this.dry = true;
  }

  private itemFor(itemId: string): ItemState {
    if (this.receiving?.itemId === itemId) return this.receiving;
    if (this.receiving !== undefined) this.finishReceiving();
    let item = this.items.find((x) => x.itemId === itemId);
    if (item === undefined) {
      item = { itemId, receivedFrames: 0, sentFrames: 0, ended: false };
      this.items.push(item);
      if (this.items.length > 64) this.items.shift();
    }
    this.receiving = item;
    return item;
  }

  /** The item being received ends: the resampler's tail is queued (transcoding). */
  private finishReceiving(): void {
    const item = this.receiving!;
    if (this.telephony !== undefined) this.enqueue(item.itemId, this.telephony.fromSession(new Int16Array(0), true));
    item.ended = true;
    this.receiving = undefined;
  }

  private enqueue(itemId: string, codes: Uint8Array): void {
    if (codes.length === 0) return;
    this.counters.overflowFrames += this.queue.push(itemId, codes);
  }

  private received(itemId: string): number {
    return this.items.find((item) => item.itemId === itemId)?.receivedFrames ?? 0;
  }

  /**
   * 8 kHz frames of the carrier's stream heard to session frames. The transcoder's output is
   * aligned with its input (its filter delay is held back, not added: the item's tail is flushed
   * at its end), so frame n at 8 kHz is session time n / 8000.
   */
  private toSessionFrames(phoneFrames: number): number {
    if (this.telephony === undefined) return phoneFrames;
    return Math.floor((phoneFrames * this.sessionRate) / PHONE_RATE);
  }

  private remember(frame: Uint8Array, position: number): void {
    const history = this.history;
    for (let i = 0; i < frame.length; i++) history[(position + i) % HISTORY_FRAMES] = frame[i]!;
  }

  /** After a clear: the audio from where the caller is, faded out over `fadeOutMs`, as the first audio of the new generation. */
  private fadeOut(sid: string, heardPosition: number, sentEnd: number, now: number): void {
    const frames = Math.min(Math.round(this.options.fadeOutMs * FRAMES_PER_MS), sentEnd - heardPosition);
    if (frames <= 0 || sentEnd - heardPosition > HISTORY_FRAMES) return;
    const codes = new Uint8Array(frames);
    for (let i = 0; i < frames; i++) codes[i] = this.history[(heardPosition + i) % HISTORY_FRAMES]!;
    const pcm = decodeG711(this.law, codes);
    fadeOutPcm16(pcm);
    encodeG711(this.law, pcm, codes);
    this.remember(codes, this.ledger.sentPosition);
    this.options.send(carrierMedia(sid, encodeBase64(codes)));
    this.ledger.sent(FADE_ITEM, frames, now);
    this.fades++;
  }
}
