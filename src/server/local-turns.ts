// The local session's input side: the appended audio (PCM16 at the input format's rate: 24 kHz
// for audio/pcm, 8 kHz for G.711), kept since the last commit (at most 30 s), and the server VAD's
// turns over it (realtime-pcm's EnergyVad at the same rate): where speech started (less the prefix
// padding) and stopped, and the audio of each turn. Stream times count frames appended.
import { pcm16ToFloat } from '../kernels/pcm16.js';
import { EnergyVad } from '../kernels/vad.js';

/** A change of turn the server VAD saw, at a stream frame. */
export type TurnChange = { kind: 'start'; frame: number } | { kind: 'stop'; frame: number; turn: Int16Array };

/** Input kept for the playback of the user's turn, at most, s (older audio is dropped). */
const MAX_TURN_S = 30;

export class LocalTurns {
  readonly rate: number;
  readonly vad: EnergyVad;
  /** Frames appended in all (the stream clock of audio_start_ms / audio_end_ms). */
  streamFrames = 0;
  /** Input since the last commit: chunks, the stream frame the first starts at, and their frames. */
  private input: Int16Array[] = [];
  private inputStartFrame = 0;
  inputFrames = 0;
  /** The stream frame the VAD's clock started at (it restarts when server VAD is turned back on). */
  private vadBaseFrame = 0;
  private turnStartFrame: number | undefined;

  /** Throws OptionsError for VAD settings out of range. */
  constructor(rate: number, silenceDurationMs: number, prefixPaddingMs: number) {
    this.rate = rate;
    this.vad = new EnergyVad({ sampleRate: rate, silenceDurationMs, prefixPaddingMs });
  }

  /** Stream frames to ms (floored), at the input rate. */
  ms(frames: number): number {
    return Math.floor((frames * 1000) / this.rate);
  }

  /** Keeps `pcm`; with the server VAD on, returns the turn changes it brings. */
  append(pcm: Int16Array, vadOn: boolean): TurnChange[] {
    this.streamFrames += pcm.length;
    this.input.push(pcm);
    this.inputFrames += pcm.length;
    while (this.inputFrames - this.input[0]!.length > MAX_TURN_S * this.rate) {
      const dropped = this.input.shift()!;
      this.inputFrames -= dropped.length;
      this.inputStartFrame += dropped.length;
    }
    if (!vadOn) return [];
    const changes: TurnChange[] = [];
    for (const event of this.vad.process(pcm16ToFloat(pcm))) {
      const frame = Math.min(this.streamFrames, this.vadBaseFrame + Math.round((event.timeMs * this.rate) / 1000));
      if (event.type === 'speech_start') {
        this.turnStartFrame = Math.max(this.inputStartFrame, frame - Math.round((this.vad.prefixPaddingMs * this.rate) / 1000));
        changes.push({ kind: 'start', frame });
      } else {
        const turn = this.range(this.turnStartFrame ?? this.inputStartFrame, frame);
        this.turnStartFrame = undefined;
        this.clear();
        changes.push({ kind: 'stop', frame, turn });
      }
    }
    return changes;
  }

  /** Everything since the last commit, and clears it (a manual commit). */
  commitAll(): Int16Array {
    const turn = this.range(this.inputStartFrame, this.inputStartFrame + this.inputFrames);
    this.clear();
    return turn;
  }

  /** Drops the input since the last commit. */
  clear(): void {
    this.inputStartFrame += this.inputFrames;
    this.input = [];
    this.inputFrames = 0;
  }

  /** The VAD starts afresh, its clock from here (server VAD turned on or changed). */
  restartVad(): void {
    this.vad.reset();
    this.vadBaseFrame = this.streamFrames;
    this.turnStartFrame = undefined;
  }

  free(): void {
    this.vad.free();
  }

  /** The kept input between two stream frames (clipped to what is kept). */
  private range(from: number, to: number): Int16Array {
    const all = new Int16Array(this.inputFrames);
    let at = 0;
    for (const chunk of this.input) {
      all.set(chunk, at);
      at += chunk.length;
    }
    const a = Math.max(0, from - this.inputStartFrame);
    const b = Math.min(this.inputFrames, Math.max(a, to - this.inputStartFrame));
    return all.slice(a, b);
  }
}
