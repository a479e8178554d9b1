// TelephonyBridge: a phone leg (8 kHz G.711 mu-law or A-law, e.g. Twilio / SIP media) to a
// realtime session (PCM16 at 24 kHz, or 16 kHz for Gemini Live input) and back, one call per
// direction: G.711 decode -> float -> resample up -> PCM16, and PCM16 -> float -> resample down
// -> G.711 encode. Each direction keeps its own resampler state across calls and calls it on fixed
// 10 ms blocks, so the output is identical however the input is cut. The session -> phone stream
// fades in over its first `fadeMs` (a stream starts at construction, after `end` and after
// `reset()`, e.g. the next response after a barge-in) and out over the last `fadeMs` of a call
// with `end`, before resampling (a Fade, as the playback pipeline's), so a response that starts
// or is cut mid-word does not click on the phone. A direction's resampler is made when it is
// first used (a phone bridge that passes the caller's audio through uses one direction).
// Allocates its results.
import { decodeG711, encodeG711, type G711Law } from '../kernels/g711.js';
import { decodeBase64, encodeBase64 } from '../kernels/base64.js';
import { floatToPcm16 } from '../kernels/pcm16.js';
import { SUPPORTED_SAMPLE_RATES, type ResamplerQuality } from '../kernels/resampler.js';
import { REALTIME_SAMPLE_RATE } from '../constants.js';
import { OptionsError } from '../errors.js';
import { freedError } from '../wasm/blocks.js';
import { AudioInputError } from './errors.js';
import { BlockResampler } from './block-resampler.js';
import { checkChoice, checkNumber, checkRate } from './options.js';
import { Fade } from './fade.js';

/** Options of `new TelephonyBridge(...)`; only `law` is required. */
export interface TelephonyBridgeOptions {
  /** 'mulaw' (G.711 mu-law, `audio/pcmu`, North America/Japan) or 'alaw' (`audio/pcma`). */
  law: G711Law;
  /** The session's PCM16 rate, Hz. Default 24000. */
  sessionRate?: number;
  /** Resampler quality. Default 'high'. */
  quality?: ResamplerQuality;
  /** Fade at the start and the `end` of each session -> phone stream, ms (0..50; 0: none). Default 5. */
  fadeMs?: number;
}

const PHONE_RATE = 8000;
/** Resampler block of each direction, ms of its input. */
const BLOCK_MS = 10;

/** One direction: PCM16 through a BlockResampler, its output collected into a buffer that grows as needed. */
class Direction {
  private readonly resampler: BlockResampler;
  private out = new Float32Array(0);
  private outFrames = 0;

  /** `fade`: the stream's input fades in at its start and out at its end (none when undefined). */
  constructor(
    inputRate: number,
    outputRate: number,
    quality: ResamplerQuality,
    private readonly fade?: Fade,
  ) {
    this.resampler = new BlockResampler({
      inputRate,
      outputRate,
      quality,
      blockFrames: Math.round((inputRate * BLOCK_MS) / 1000),
    });
  }

  /** Resamples `samples`; with `end`, also the stream's tail. Returns a view of the output (valid until the next call). */
  push(samples: Int16Array, end: boolean): Float32Array {
    this.outFrames = 0;
    const stage = this.resampler;
    const fade = this.fade;
    if (fade !== undefined && (!fade.full || end)) {
      // x / 32768 as pushPcm16 takes it, then the fade: in from the stream's start, out to its end
      const faded = Float32Array.from(samples, (x) => x / 32768);
      fade.play(faded, 0, faded.length, end ? faded.length : Number.POSITIVE_INFINITY);
      for (let at = 0; at < faded.length; ) {
        at = stage.pushFloat(faded, at);
        if (stage.outputFrames > 0) this.append(stage.output, stage.outputFrames);
      }
    } else {
      for (let at = 0; at < samples.length; ) {
        at = stage.pushPcm16(samples, at);
        if (stage.outputFrames > 0) this.append(stage.output, stage.outputFrames);
      }
    }
    if (end) {
      if (stage.end() > 0) this.append(stage.output, stage.outputFrames);
      fade?.silence(); // the next stream fades in
    }
    return this.out.subarray(0, this.outFrames);
  }

  reset(): void {
    this.resampler.reset();
    this.fade?.silence();
  }

  free(): void {
    this.resampler.free();
  }

  private append(source: Float32Array, frames: number): void {
    if (this.outFrames + frames > this.out.length) {
      const grown = new Float32Array(Math.max(1024, (this.outFrames + frames) * 2));
      grown.set(this.out.subarray(0, this.outFrames));
      this.out = grown;
    }
    for (let i = 0; i < frames; i++) this.out[this.outFrames + i] = source[i]!;
    this.outFrames += frames;
  }
}

/**
 * A phone leg (8 kHz G.711) to a realtime session (PCM16 at `sessionRate`) and back, one stream
 * per direction, identical however the audio is cut. Lifecycle: construct, toSession/fromSession,
 * flush (or `end` on a stream's last call), reset, free.
 */
export class TelephonyBridge {
  readonly law: G711Law;
  readonly sessionRate: number;
  private readonly quality: ResamplerQuality;
  private readonly fadeMs: number;
  private upward: Direction | undefined;
  private downward: Direction | undefined;
  private freed = false;

  constructor(options: TelephonyBridgeOptions) {
    if (options === null || typeof options !== 'object') {
      throw new OptionsError("TelephonyBridge needs options: { law: 'mulaw' | 'alaw', sessionRate? }");
    }
    if (options.law === undefined) throw new OptionsError("law is required: 'mulaw' or 'alaw'");
    this.law = checkChoice('law', options.law, 'mulaw', ['mulaw', 'alaw'] as const);
    this.sessionRate = checkRate('sessionRate', options.sessionRate ?? REALTIME_SAMPLE_RATE);
    if (!SUPPORTED_SAMPLE_RATES.includes(this.sessionRate)) {
      throw new OptionsError(`TelephonyBridge: sessionRate ${this.sessionRate} is not supported; use one of ${SUPPORTED_SAMPLE_RATES.join(', ')} Hz`);
    }
    this.quality = checkChoice('quality', options.quality, 'high', ['voice', 'high'] as const);
    this.fadeMs = checkNumber('fadeMs', options.fadeMs, 5, 0, 50);
  }

  private get up(): Direction {
    this.upward ??= new Direction(PHONE_RATE, this.sessionRate, this.quality);
    return this.upward;
  }

  private get down(): Direction {
    this.downward ??= new Direction(this.sessionRate, PHONE_RATE, this.quality, this.fadeMs > 0 ? Fade.fromMs(this.fadeMs, this.sessionRate) : undefined);
    return this.downward;
  }

  /** 8 kHz G.711 bytes from the phone -> session-rate PCM16 (pass `end` on the last call of a stream). */
  toSession(codes: Uint8Array, end = false): Int16Array {
    if (this.freed) throw freedError('TelephonyBridge');
    const resampled = this.up.push(decodeG711(this.law, codes), end);
    return floatToPcm16(resampled);
  }

  /** As `toSession`, as base64 (ready for `input_audio_buffer.append`). */
  toSessionBase64(codes: Uint8Array, end = false): string {
    const pcm = this.toSession(codes, end);
    return encodeBase64(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
  }

  /** Session-rate PCM16 -> 8 kHz G.711 bytes for the phone. */
  fromSession(pcm: Int16Array, end = false): Uint8Array {
    if (this.freed) throw freedError('TelephonyBridge');
    const resampled = this.down.push(pcm, end);
    return encodeG711(this.law, floatToPcm16(resampled));
  }

  /** As `fromSession`, from a base64 PCM16 delta (e.g. `response.output_audio.delta`). Throws on odd byte counts. */
  fromSessionBase64(base64: string, end = false): Uint8Array {
    const bytes = decodeBase64(base64);
    if ((bytes.length & 1) !== 0) {
      throw new AudioInputError('odd_byte_count', `PCM16 delta has ${bytes.length} bytes, not whole 16-bit samples`);
    }
    return this.fromSession(new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1), end);
  }

  /**
   * Ends both streams (the call is over, or paused): what the resamplers still hold, to the session
   * (PCM16) and to the phone (G.711), as the last call of each with `end` would give it.
   */
  flush(): { toSession: Int16Array; toPhone: Uint8Array } {
    if (this.freed) throw freedError('TelephonyBridge');
    return {
      toSession: this.upward === undefined ? new Int16Array(0) : this.toSession(new Uint8Array(0), true),
      toPhone: this.downward === undefined ? new Uint8Array(0) : this.fromSession(new Int16Array(0), true),
    };
  }

  /** Forgets both streams (e.g. after a barge-in flushed the phone's playback). */
  reset(): void {
    if (this.freed) throw freedError('TelephonyBridge');
    this.upward?.reset();
    this.downward?.reset();
  }

  /** Returns both resamplers' kernel memory; afterwards every call throws RealtimePcmError('freed'). Idempotent. */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.upward?.free();
    this.downward?.free();
  }
}
