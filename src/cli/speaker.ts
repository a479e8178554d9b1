// `realtime-pcm play EVENTS.jsonl OUT.wav --speaker`: what the speaker plays for a session log. The
// server's events go through a RealtimeAudioAdapter at the time each arrived (`received_ms` on a
// log line: ms from the start of the log; a line without it arrives with the line before), and
// playback is read in 128-frame quanta at `--rate`, as an audio callback reads it: fades, the
// adaptive playout delay, underruns as silence, barge-ins (`input_audio_buffer.speech_started`,
// Gemini `interrupted`) with their fade-out. An event is applied before the first quantum that
// starts at or after its time. The client's own events in the log (appends, truncates) are
// skipped: the adapter makes its own. Writes PCM16 and prints the playback figures.
import { floatToPcm16 } from '../kernels/pcm16.js';
import { RealtimeAudioAdapter } from '../transport/adapter.js';
import type { SessionProtocolName } from '../transport/events.js';
import { createProtocol, protocolOfEvent } from '../transport/protocols.js';
import { encodeWav } from '../wav/wav.js';
import { writeOutput, type CliIo } from './io.js';
import type { LoggedEvent } from './session-log.js';

const QUANTUM = 128;
/** Quanta of silence read after the last item ended before the rendering stops. */
const TAIL_QUANTA = 16;
/** The most rendered after the last event, ms (an item that never ends is waited for this long). */
const MAX_TAIL_MS = 60_000;

export interface SpeakerOptions {
  /** Device rate, Hz. */
  rate: number;
  fadeMs?: number;
  minPlayoutMs?: number;
  maxPlayoutMs?: number;
}

/** The quantum before whose read an event received at `atMs` is applied: the first starting at or after it. */
export function arrivalQuantum(atMs: number, rate: number): number {
  return Math.ceil((atMs * rate) / 1000 / QUANTUM - 1e-9);
}

/** The protocol of a log: Gemini if any message has no `type`, OpenAI beta if any type exists only there, else OpenAI GA. */
function protocolOf(logged: LoggedEvent[]): SessionProtocolName {
  const names = new Set(logged.map(({ event }) => protocolOfEvent(event)));
  return names.has('gemini') ? 'gemini' : names.has('openai-beta') ? 'openai-beta' : 'openai';
}

/** The speaker's output for `logged` (the adapter's playback, read in quanta), and the adapter. */
export function renderSpeaker(logged: LoggedEvent[], options: SpeakerOptions): { output: Float32Array; adapter: RealtimeAudioAdapter } {
  const protocol = protocolOf(logged);
  const client = createProtocol(protocol);
  const { rate, fadeMs, minPlayoutMs, maxPlayoutMs } = options;
  const adapter = new RealtimeAudioAdapter({ protocol, send: () => {}, inputRate: rate, outputRate: rate, fadeMs, minPlayoutMs, maxPlayoutMs });
  const arrivals: Array<{ quantum: number; event: Record<string, unknown> }> = [];
  let atMs = 0;
  for (const { event } of logged) {
    const { received_ms: received, ...rest } = event;
    if (typeof received === 'number' && Number.isFinite(received)) atMs = received;
    if (client.readClient(rest).kind !== 'other') continue;
    arrivals.push({ quantum: arrivalQuantum(atMs, rate), event: rest });
  }
  const lastQuantum = arrivalQuantum(atMs + MAX_TAIL_MS, rate);
  let output = new Float32Array(QUANTUM * 1024);
  let next = 0;
  let idle = 0;
  let q = 0;
  for (; q < lastQuantum && (next < arrivals.length || idle < TAIL_QUANTA); q++) {
    while (next < arrivals.length && arrivals[next]!.quantum <= q) adapter.handleServerEvent(arrivals[next++]!.event);
    if ((q + 1) * QUANTUM > output.length) {
      const grown = new Float32Array(output.length * 2);
      grown.set(output);
      output = grown;
    }
    adapter.readPlayback(output.subarray(q * QUANTUM, (q + 1) * QUANTUM));
    idle = adapter.playback.active ? 0 : idle + 1;
  }
  return { output: output.subarray(0, q * QUANTUM), adapter };
}

export function playSpeaker(inPath: string, outPath: string, logged: LoggedEvent[], options: SpeakerOptions, io: CliIo): number {
  const { output, adapter } = renderSpeaker(logged, options);
  writeOutput(outPath, encodeWav(floatToPcm16(output), options.rate));
  const stats = adapter.stats;
  adapter.free();
  io.stderr(
    `${inPath}: ${logged.length} events -> ${outPath} (${options.rate} Hz, mono, PCM16, what the speaker plays): ${(output.length / options.rate).toFixed(3)} s; ` +
      `played ${stats.playedSeconds.toFixed(3)} s, ${stats.underruns} underruns (${stats.underrunSeconds.toFixed(3)} s of silence), ` +
      `${stats.interruptions} interruptions, playout delay ${stats.playoutDelayMs.toFixed(0)} ms` +
      (stats.errors > 0 ? `, ${stats.errors} events not for the speaker (${Object.keys(stats.errorsByCode).join(', ')})` : '') +
      '\n',
  );
  return 0;
}
