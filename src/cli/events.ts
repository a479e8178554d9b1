// `realtime-pcm events IN.wav`: the client events a session would receive for this audio as the
// microphone (JSON lines on stdout), made by the library's CapturePipeline with its VAD: one
// `input_audio_buffer.append` per chunk (Gemini: `realtimeInput.audio`), and, marked with a
// `realtime_pcm.` type because they are not sent, the VAD's speech starts and stops. With
// --commit, each speech stop ends the turn as a client-side VAD app would (commit + response.create).
import { CapturePipeline } from '../pipeline/capture.js';
import { SUPPORTED_SAMPLE_RATES } from '../kernels/resampler.js';
import { OpenAIProtocol } from '../transport/openai.js';
import { GeminiProtocol } from '../transport/gemini.js';
import { MIN_COMMIT_MS } from '../transport/adapter.js';
import type { SessionProtocolName } from '../transport/events.js';
import { decodeWav } from '../wav/wav.js';
import { CliError, Progress, readInput, type CliIo } from './io.js';

export interface EventsOptions {
  protocol: SessionProtocolName;
  chunkMs: number;
  vad: boolean;
  silenceGating: boolean;
  commit: boolean;
  progress: boolean;
}

const BLOCK_FRAMES = 4800;

export function events(inPath: string, options: EventsOptions, io: CliIo): number {
  const { info, samples } = decodeWav(readInput(inPath));
  if (!SUPPORTED_SAMPLE_RATES.includes(info.sampleRate)) {
    throw new CliError('unsupported_rate', `${inPath} is at ${info.sampleRate} Hz; the capture pipeline takes ${SUPPORTED_SAMPLE_RATES.join(', ')} Hz`);
  }
  if ((options.silenceGating || options.commit) && !options.vad)
    throw new CliError('bad_option', '--silence-gating and --commit need the VAD (leave out --no-vad)', 2);
  if (options.commit && options.protocol === 'gemini')
    throw new CliError('bad_option', '--commit is for OpenAI sessions (Gemini ends turns with activityEnd under its own VAD)', 2);
  const protocol = options.protocol === 'gemini' ? new GeminiProtocol() : new OpenAIProtocol(options.protocol === 'openai-beta');
  const capture = new CapturePipeline({
    inputRate: info.sampleRate,
    outputRate: protocol.inputRate,
    chunkMs: options.chunkMs,
    vad: options.vad,
    silenceGating: options.silenceGating,
  });
  const progress = new Progress(io, 'events', samples.length / info.sampleRate, options.progress);
  const lines: string[] = [];
  const emit = (event: object) => lines.push(JSON.stringify(event));
  let uncommittedFrames = 0;
  let segments = 0;
  const handle = (list: ReturnType<CapturePipeline['push']>) => {
    for (const event of list) {
      if (event.type === 'audio') {
        emit(protocol.append(event.base64));
        uncommittedFrames += event.frames;
        continue;
      }
      emit({ type: `realtime_pcm.${event.type}`, time_ms: Math.round(event.timeMs * 1000) / 1000 });
      if (event.type === 'speech_start') segments++;
      if (event.type === 'speech_stop' && options.commit) {
        // what was pending goes first, then the turn ends, as RealtimeAudioAdapter.commit does
        for (const pending of capture.emitPending())
          if (pending.type === 'audio') {
            emit(protocol.append(pending.base64));
            uncommittedFrames += pending.frames;
          }
        if (uncommittedFrames * 1000 >= MIN_COMMIT_MS * protocol.inputRate) {
          emit(protocol.commit());
          emit(protocol.createResponse()!);
          uncommittedFrames = 0;
        }
      }
    }
  };
  for (let at = 0; at < samples.length; at += BLOCK_FRAMES) {
    handle(capture.push(samples.subarray(at, Math.min(samples.length, at + BLOCK_FRAMES))));
    progress.update(Math.min(samples.length, at + BLOCK_FRAMES) / info.sampleRate);
  }
  handle(capture.flush());
  progress.done();
  io.stdout(lines.length > 0 ? `${lines.join('\n')}\n` : '');
  const stats = capture.stats;
  io.stderr(
    `${inPath}: ${stats.chunks} audio chunks, ${(stats.sentFrames / protocol.inputRate).toFixed(3)} s sent at ${protocol.inputRate} Hz` +
      (options.vad ? `, ${segments} speech segment(s)` : '') +
      (options.silenceGating ? `, ${(stats.silenceFrames / protocol.inputRate).toFixed(3)} s of silence not sent` : '') +
      '\n',
  );
  return 0;
}
