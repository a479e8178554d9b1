// The built-in local session's audio formats, as the Realtime API names them in `session.update`:
// `audio/pcm` (24 kHz PCM16, the default), and 8 kHz G.711 `audio/pcmu` / `audio/pcma`, input and
// output set apart. Input is decoded to PCM16 at its own rate (the session's VAD runs there);
// replies are made at 24 kHz (the user's turn brought up to it when echoed) and converted down
// once, whole, when they start.
import { decodeBase64 } from '../kernels/base64.js';
import { decodeG711, type G711Law } from '../kernels/g711.js';
import { floatToPcm16, pcm16ToFloat } from '../kernels/pcm16.js';
import { Resampler } from '../kernels/resampler.js';
import { TelephonyBridge } from '../pipeline/telephony.js';

export type LocalAudioFormat = 'audio/pcm' | 'audio/pcmu' | 'audio/pcma';

const LAWS: Record<string, G711Law | undefined> = { 'audio/pcmu': 'mulaw', 'audio/pcma': 'alaw' };

/** The format of a GA `format` object, or an error message. */
export function readFormat(format: unknown): LocalAudioFormat | string {
  const f = format as Record<string, unknown> | null;
  if (f === null || typeof f !== 'object') return 'format must be an object { type }';
  if (f.type === 'audio/pcm' && (f.rate === undefined || f.rate === 24000)) return 'audio/pcm';
  if ((f.type === 'audio/pcmu' || f.type === 'audio/pcma') && (f.rate === undefined || f.rate === 8000)) return f.type;
  return "this local session takes { type: 'audio/pcm', rate: 24000 }, { type: 'audio/pcmu' } or { type: 'audio/pcma' }";
}

/** A format as the session describes it. */
export function formatObject(format: LocalAudioFormat): Record<string, unknown> {
  return format === 'audio/pcm' ? { type: format, rate: 24000 } : { type: format };
}

export class LocalSessionAudio {
  input: LocalAudioFormat = 'audio/pcm';
  output: LocalAudioFormat = 'audio/pcm';
  private outputBridge: TelephonyBridge | undefined;

  /** Rate of the decoded input, Hz. */
  get inputRate(): number {
    return this.input === 'audio/pcm' ? 24000 : 8000;
  }

  /** Output frames per ms (24 or 8) and bytes per frame (2 or 1). */
  get outputFramesPerMs(): number {
    return this.output === 'audio/pcm' ? 24 : 8;
  }
  get outputBytesPerFrame(): number {
    return this.output === 'audio/pcm' ? 2 : 1;
  }

  setOutput(format: LocalAudioFormat): void {
    if (format === this.output) return;
    this.output = format;
    this.free();
    const law = LAWS[format];
    if (law !== undefined) this.outputBridge = new TelephonyBridge({ law, quality: 'voice' });
  }

  /** An append's audio to PCM16 at `inputRate`, or an error message. */
  decodeInput(audio: string): Int16Array | string {
    let bytes: Uint8Array;
    try {
      bytes = decodeBase64(audio);
    } catch (error) {
      return `audio is not valid base64: ${(error as Error).message}`;
    }
    const law = LAWS[this.input];
    if (law !== undefined) return decodeG711(law, bytes);
    if (bytes.length % 2 !== 0) return `${bytes.length} bytes is not whole PCM16 samples`;
    return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  }

  /** A whole reply (24 kHz PCM16) in the output format, as bytes. */
  encodeOutput(pcm: Int16Array): Uint8Array {
    if (this.outputBridge === undefined) return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    this.outputBridge.reset();
    return this.outputBridge.fromSession(pcm, true);
  }

  free(): void {
    this.outputBridge?.free();
    this.outputBridge = undefined;
  }
}

/** PCM16 at `rate` (8 or 24 kHz) brought to 24 kHz (a user's turn to echo). Allocates. */
export function to24k(pcm: Int16Array, rate: number): Int16Array {
  if (rate === 24000 || pcm.length === 0) return pcm;
  const resampler = new Resampler({ inputRate: rate, outputRate: 24000, quality: 'voice' });
  const head = resampler.process(pcm16ToFloat(pcm));
  const tail = resampler.flush();
  resampler.free();
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return floatToPcm16(out);
}
