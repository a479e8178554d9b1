// `realtime-pcm events IN.wav`: the client events a session would receive for this audio as the
// microphone (JSON lines on stdout), made by the library's RealtimeAudioAdapter with its VAD: one
// `input_audio_buffer.append` per chunk (Gemini: `realtimeInput.audio`), and, marked with a
// `realtime_pcm.` type because they are not sent, the VAD's speech starts and stops. With
// --commit, each speech stop ends the turn as a client-side VAD app would (commit + response.create).
// With --reference FAR.wav (what the speaker played while IN.wav was recorded, from the same
// instant, at its own rate), the adapter's echo canceller removes its echo first: the events carry
// the cleaned microphone. The canceller takes its reference at the session's output rate (24 kHz:
// what the playback's tap gives it in a live session), so a file at another rate (what a 48 kHz
// speaker played) is resampled to it first, its resampler's delay trimmed (the reference never
// later than the file says); a 24 kHz file goes in as it is.
import { Resampler, SUPPORTED_SAMPLE_RATES } from '../kernels/resampler.js';
import { RealtimeAudioAdapter } from '../transport/adapter.js';
import type { SessionProtocolName } from '../transport/events.js';
import { decodeWav } from '../wav/wav.js';
import { CliError, Progress, readInput, type CliIo } from './io.js';

export interface EventsOptions {
  protocol: SessionProtocolName;
  /** What the speaker played, a WAV from the same instant as the microphone's (echo cancellation). */
  reference?: string;
  chunkMs: number;
  vad: boolean;
  silenceGating: boolean;
  commit: boolean;
  progress: boolean;
}

/** The file goes to the adapter in pieces of this many frames (the progress line moves per piece). */
const FRAMES_PER_PUSH = 4800;

export function events(inPath: string, options: EventsOptions, io: CliIo): number {
  const { info, samples } = decodeWav(readInput(inPath));
  if (!SUPPORTED_SAMPLE_RATES.includes(info.sampleRate)) {
    throw new CliError('unsupported_rate', `${inPath} is at ${info.sampleRate} Hz; the capture pipeline takes ${SUPPORTED_SAMPLE_RATES.join(', ')} Hz`);
  }
  if ((options.silenceGating || options.commit) && !options.vad)
    throw new CliError('bad_option', '--silence-gating and --commit need the VAD (leave out --no-vad)', 2);
  if (options.commit && options.protocol === 'gemini')
    throw new CliError('bad_option', '--commit is for OpenAI sessions (Gemini ends turns with activityEnd under its own VAD)', 2);
  let far = options.reference === undefined ? undefined : readReference(options.reference);
  const lines: string[] = [];
  let segments = 0;
  // the adapter makes the events as it would send them; VAD events are marked with a
  // `realtime_pcm.` type (they are not sent), and with --commit each speech stop ends the turn
  const adapter: RealtimeAudioAdapter = new RealtimeAudioAdapter({
    protocol: options.protocol,
    send: (event) => lines.push(JSON.stringify(event)),
    inputRate: info.sampleRate,
    outputRate: far?.info.sampleRate ?? info.sampleRate, // the reference's rate (nothing is played)
    echoCancellation: far !== undefined,
    maxPlaybackMs: 100,
    chunkMs: options.chunkMs,
    vad: options.vad,
    silenceGating: options.silenceGating,
    onEvent: (event) => {
      if (event.type !== 'speech_start' && event.type !== 'speech_stop') return;
      lines.push(JSON.stringify({ type: `realtime_pcm.${event.type}`, time_ms: Math.round(event.timeMs * 1000) / 1000 }));
      if (event.type === 'speech_start') segments++;
      else if (options.commit) adapter.commit({ createResponse: true });
    },
  });
  if (far !== undefined) far = atRate(far, adapter.capture.referenceRate);
  const progress = new Progress(io, 'events', samples.length / info.sampleRate, options.progress);
  for (let at = 0; at < samples.length; at += FRAMES_PER_PUSH) {
    const end = Math.min(samples.length, at + FRAMES_PER_PUSH);
    if (far !== undefined) adapter.capture.pushReference(spanOf(far, at, end, info.sampleRate)); // the same span of time, first
    adapter.pushMicrophone(samples.subarray(at, end));
    progress.update(end / info.sampleRate);
  }
  adapter.flush();
  const rate = adapter.protocol.inputRate;
  const stats = adapter.capture.stats;
  const erleDb = (adapter.echoCanceller as { erleDb?: number } | undefined)?.erleDb;
  adapter.free();
  progress.done();
  io.stdout(lines.length > 0 ? `${lines.join('\n')}\n` : '');
  io.stderr(
    `${inPath}: ${stats.chunks} audio chunks, ${(stats.sentFrames / rate).toFixed(3)} s sent at ${rate} Hz` +
      (options.vad ? `, ${segments} speech segment(s)` : '') +
      (options.silenceGating ? `, ${(stats.silenceFrames / rate).toFixed(3)} s of silence not sent` : '') +
      (erleDb !== undefined ? `, echo canceller removing ${erleDb.toFixed(1)} dB at the end` : '') +
      '\n',
  );
  return 0;
}

interface Reference {
  info: { sampleRate: number };
  samples: Float32Array;
}

function readReference(path: string): Reference {
  const far = decodeWav(readInput(path));
  if (!SUPPORTED_SAMPLE_RATES.includes(far.info.sampleRate)) {
    throw new CliError('unsupported_rate', `${path} is at ${far.info.sampleRate} Hz; the reference takes ${SUPPORTED_SAMPLE_RATES.join(', ')} Hz`);
  }
  return far;
}

/** The reference at `rate` (the capture pipeline's `referenceRate`): resampled unless it is there, the resampler's delay trimmed. */
function atRate(far: Reference, rate: number): Reference {
  if (far.info.sampleRate === rate) return far;
  const resampler = new Resampler({ inputRate: far.info.sampleRate, outputRate: rate });
  try {
    const body = resampler.process(far.samples);
    const tail = resampler.flush();
    const delay = Math.round((resampler.latencyMs * rate) / 1000);
    const samples = new Float32Array(body.length + tail.length);
    samples.set(body);
    samples.set(tail, body.length);
    return { info: { sampleRate: rate }, samples: samples.subarray(Math.min(delay, samples.length)) };
  } finally {
    resampler.free();
  }
}

/**
 * The reference's samples for the microphone's frames [from, to) at `micRate` (rounded the same way
 * at both ends, so consecutive spans tile the file), zeros past its end (nothing played).
 */
function spanOf(far: Reference, from: number, to: number, micRate: number): Float32Array {
  const rate = far.info.sampleRate;
  const a = Math.round((from * rate) / micRate);
  const b = Math.round((to * rate) / micRate);
  const span = new Float32Array(b - a);
  if (a < far.samples.length) span.set(far.samples.subarray(a, Math.min(b, far.samples.length)));
  return span;
}
