// The built-in local session's audio formats, as the Realtime API names them in `session.update`:
// `audio/pcm` (24 kHz PCM16, the default), and 8 kHz G.711 `audio/pcmu` / `audio/pcma`, input and
// output set apart. The session works at 24 kHz inside: G.711 input is decoded and resampled up as
// it arrives (one stream), and each reply is converted down once, whole, when it starts.
import { decodeBase64 } from '../kernels/base64.js';
import type { G711Law } from '../kernels/g711.js';
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
  private inputBridge: TelephonyBridge | undefined;
  private outputBridge: TelephonyBridge | undefined;

  /** Output frames per ms (24 or 8) and bytes per frame (2 or 1). */
  get outputFramesPerMs(): number {
    return this.output === 'audio/pcm' ? 24 : 8;
  }
  get outputBytesPerFrame(): number {
    return this.output === 'audio/pcm' ? 2 : 1;
  }

  setInput(format: LocalAudioFormat): void {
    if (format === this.input) return;
    this.input = format;
    this.free('input');
    const law = LAWS[format];
    if (law !== undefined) this.inputBridge = new TelephonyBridge({ law, quality: 'voice' });
  }

  setOutput(format: LocalAudioFormat): void {
    if (format === this.output) return;
    this.output = format;
    this.free('output');
    const law = LAWS[format];
    if (law !== undefined) this.outputBridge = new TelephonyBridge({ law, quality: 'voice' });
  }

  /** An append's audio to 24 kHz PCM16, or an error message. */
  decodeInput(audio: string): Int16Array | string {
    let bytes: Uint8Array;
    try {
      bytes = decodeBase64(audio);
    } catch (error) {
      return `audio is not valid base64: ${(error as Error).message}`;
    }
    if (this.inputBridge !== undefined) return this.inputBridge.toSession(bytes);
    if (bytes.length % 2 !== 0) return `${bytes.length} bytes is not whole PCM16 samples`;
    return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  }

  /** A whole reply (24 kHz PCM16) in the output format, as bytes. */
  encodeOutput(pcm: Int16Array): Uint8Array {
    if (this.outputBridge === undefined) return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    this.outputBridge.reset();
    return this.outputBridge.fromSession(pcm, true);
  }

  free(which: 'input' | 'output' | 'both' = 'both'): void {
    const release = (bridge: TelephonyBridge | undefined) => (bridge as unknown as { free?: () => void } | undefined)?.free?.();
    if (which !== 'output') {
      release(this.inputBridge);
      this.inputBridge = undefined;
    }
    if (which !== 'input') {
      release(this.outputBridge);
      this.outputBridge = undefined;
    }
  }
}
