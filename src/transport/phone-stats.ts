// A PhoneBridge's counters: the session side (AdapterStats) and the carrier side (messages, marks,
// the caller's stream), as one object for logs and dashboards.
import type { InboundJitterStats } from '../pipeline/inbound-jitter.js';
import type { CarrierPlayout, CarrierPlayoutStats } from './carrier-playout.js';
import { ErrorCounter } from './adapter-stats.js';
import type { AdapterStats } from './events.js';

/** The carrier side of a call. */
export interface CarrierStats extends CarrierPlayoutStats {
  /** Messages received from the carrier, and sent to it. */
  messagesIn: number;
  messagesOut: number;
  /** Sends to the carrier that threw. */
  sendFailed: number;
  /** Carrier messages rejected (malformed, unknown event, bad base64, unsupported format), in total and per code. */
  errors: number;
  errorsByCode: Record<string, number>;
  /** Media chunks of a track other than the caller's (ignored). */
  otherTrack: number;
  /** DTMF keys pressed. */
  dtmf: number;
  /** Session audio waiting here to be sent to the caller, ms. */
  queuedMs: number;
  /** The caller's stream: chunks taken, reordered, late, lost, silence filled. */
  inbound: InboundJitterStats;
}

/** What `PhoneBridge.stats` returns. */
export interface PhoneBridgeStats {
  /** The session side, as RealtimeAudioAdapter.stats (played = heard by the caller, per the carrier's marks). */
  session: AdapterStats;
  carrier: CarrierStats;
}

export class PhoneCounters extends ErrorCounter {
  carrierIn = 0;
  carrierOut = 0;
  carrierSendFailed = 0;
  otherTrack = 0;
  dtmf = 0;
}

/** Both sides' counters (allocates). */
export function phoneStats(session: AdapterStats, counts: PhoneCounters, playout: CarrierPlayout, inbound: InboundJitterStats): PhoneBridgeStats {
  return {
    session,
    carrier: {
      ...playout.carrierStats,
      messagesIn: counts.carrierIn,
      messagesOut: counts.carrierOut,
      sendFailed: counts.carrierSendFailed,
      errors: counts.errors,
      errorsByCode: { ...counts.errorsByCode },
      otherTrack: counts.otherTrack,
      dtmf: counts.dtmf,
      queuedMs: playout.queuedMs,
      inbound: { ...inbound },
    },
  };
}
