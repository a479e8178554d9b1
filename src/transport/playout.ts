// Where an adapter plays the session's audio: the speaker (a `PlaybackPipeline`, read by the audio
// callback), or somewhere that plays it remotely and reports back what was heard (a phone bridge's
// `CarrierPlayout`, fed by the carrier's marks). The adapter decides when to interrupt and tells the
// session; the playout says what was heard.
import type { PlaybackInterruption, PlaybackStats } from '../pipeline/playback.js';
import type { InterruptionEvent, InterruptionSource } from './events.js';
import type { ClientEvent, SessionProtocol } from './protocol.js';

/** What `SessionPlayout.interrupt()` reports. */
export interface PlayoutInterruption extends PlaybackInterruption {
  /**
   * Items whose audio was received (or queued) but none of it heard: queued after the one playing,
   * or the one playing when nothing of it was heard yet. The adapter truncates them to 0 (OpenAI).
   * A `PlaybackPipeline` does not report them (its items play as soon as they arrive).
   */
  unheardItemIds?: readonly string[];
}

/** The playback side of an adapter (`PlaybackPipeline` is one). */
export interface SessionPlayout {
  /** Rate of the speaker, Hz; also the rate the played counts of `stats` are in unless `playoutRate` says otherwise. */
  readonly outputRate: number;
  /** Rate the played counts of `stats` are in (`playedFrames`, `flushedFrames`, ...) when not `outputRate`, Hz. */
  readonly playoutRate?: number;
  /** Integer counters (received frames at the session's rate, played at `playoutRate ?? outputRate`). */
  readonly stats: PlaybackStats;
  /** True while an item is queued, playing, or still expected to deliver audio. */
  readonly active: boolean;
  /** Queues one base64 delta of `itemId` in the session's format; returns the session frames taken. May throw Base64Error / AudioInputError. */
  pushDelta(base64: string, itemId: string): number;
  /** No more audio will come for `itemId`. */
  endItem(itemId: string): void;
  /** Stops playback at once and says what of the playing item was heard. */
  interrupt(): PlayoutInterruption;
  /** Forgets everything (queued audio, items, interrupted ids); counters are kept. */
  reset(): void;
  /** Fills `output` for a speaker (only a local playout has one). */
  read?(output: Float32Array): number;
  /** Returns kernel memory (idempotent). An adapter frees only a playback it made. */
  free?(): void;
}

/**
 * What to tell a session that truncates (OpenAI) after an interruption: the item playing at the
 * audio heard (an integer, never more than received: the playout's word), unless nothing of it was
 * heard or it was heard to its end; and each item not heard at all, at 0. `audioEndMs` is the
 * first truncate's, or null.
 */
export function truncatesAfter(protocol: SessionProtocol, cut: PlayoutInterruption): { truncates: ClientEvent[]; audioEndMs: number | null } {
  const truncates: ClientEvent[] = [];
  let audioEndMs: number | null = null;
  if (!protocol.truncates) return { truncates, audioEndMs };
  const add = (itemId: string, ms: number) => {
    const event = protocol.truncate(itemId, ms);
    if (event !== undefined) truncates.push(event);
  };
  if (cut.itemId !== null && cut.playedFrames > 0 && !cut.playedToEnd) {
    audioEndMs = Math.floor(cut.playedMs);
    add(cut.itemId, audioEndMs);
  }
  for (const itemId of cut.unheardItemIds ?? []) add(itemId, 0);
  return { truncates, audioEndMs };
}

/** The `interrupted` event the adapter reports for a cut (allocates). */
export function interruptionEvent(source: InterruptionSource, cut: PlayoutInterruption, audioEndMs: number | null, cancelled: boolean): InterruptionEvent {
  return {
    type: 'interrupted',
    source,
    itemId: cut.itemId,
    playedMs: cut.playedMs,
    audioEndMs,
    cancelled,
    flushedMs: cut.flushedMs,
    unheardItemIds: cut.unheardItemIds ?? NONE,
  };
}

const NONE: readonly string[] = Object.freeze([]);
