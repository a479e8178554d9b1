// The options of RealtimeAudioAdapter, and the echo gate it builds from them.
import { OptionsError } from '../errors.js';
import { checkBoolean, checkChoice } from '../pipeline/options.js';
import { EchoGate, type EchoGateOptions } from '../kernels/echo-gate.js';
import type { ResamplerQuality } from '../kernels/resampler.js';
import type { CaptureEchoGate, CapturePipelineOptions, EchoCancellationOption } from '../pipeline/capture.js';
import type { PlaybackPipelineOptions, PlaybackReferenceSink } from '../pipeline/playback.js';
import type { AdapterEvent, SessionAudioFormat, SessionProtocolName, TurnDetectionMode } from './events.js';
import type { SessionPlayout } from './playout.js';
import type { SendTarget } from './sink.js';

/** The PlaybackPipeline options the adapter passes on to its speaker playback (documented there). */
export const PLAYBACK_OPTION_NAMES = ['maxPlaybackMs', 'playbackStartMs', 'minPlayoutMs', 'maxPlayoutMs', 'fadeMs', 'limiter'] as const;
export type PlaybackOptionNames = (typeof PLAYBACK_OPTION_NAMES)[number];

/**
 * Options of `new RealtimeAudioAdapter(...)`: `protocol`, `send`, `inputRate` and `outputRate` are
 * required (`outputRate` not with a `playout` of your own). The speaker's playback options
 * (`maxPlaybackMs`, `playbackStartMs`, `minPlayoutMs`, `maxPlayoutMs`, `fadeMs`, `limiter`) are
 * PlaybackPipeline's, passed on as they are.
 */
export interface RealtimeAudioAdapterOptions extends Pick<PlaybackPipelineOptions, PlaybackOptionNames> {
  /** The session's protocol: 'openai' (GA), 'openai-beta' or 'gemini' (Gemini Live). */
  protocol: SessionProtocolName;
  /**
   * The session's audio both ways: 'pcm' (default: PCM16, 24 kHz for OpenAI, 16 kHz in and 24 kHz
   * out for Gemini Live), or for OpenAI 8 kHz G.711 'pcmu' (mu-law) / 'pcma' (A-law), as phone legs
   * carry it. The microphone is resampled to the session's rate and encoded; deltas are decoded.
   */
  audioFormat?: SessionAudioFormat;
  /** Where client events go: a function taking the event object, or a WebSocket-like `.send(text)`. */
  send: SendTarget;
  /** Microphone rate, Hz. */
  inputRate: number;
  /** Speaker rate, Hz (with a `playout`: its `outputRate`, the default). */
  outputRate?: number;
  /**
   * Where the session's audio goes instead of a PlaybackPipeline: e.g. a phone bridge's
   * `CarrierPlayout`, which plays it on the carrier's side and says what was heard. No echo gate
   * then. Name its type for `adapter.playback`: `new RealtimeAudioAdapter<CarrierPlayout>({ playout })`.
   */
  playout?: SessionPlayout;
  /** Audio per append event, ms. Default 40. */
  chunkMs?: number;
  /** Client VAD (see CapturePipeline): needed for silenceGating and localBargeIn. */
  vad?: CapturePipelineOptions['vad'];
  /** Send only speech, with prefix padding. Default false. */
  silenceGating?: boolean;
  /** Audio sent before each speech start when gating, ms (see CapturePipeline). Default: the VAD's (300). */
  prefixPaddingMs?: number;
  /**
   * Adaptive echo cancellation (docs/echo-canceller.md): true (an `EchoCanceller` with its
   * defaults), its options, or an instance at the session's input rate. It hears what
   * `readPlayback` outputs (resampled to the session rate as the microphone is) and removes its
   * echo from `pushMicrophone`, so the assistant's own voice neither reaches the session nor
   * triggers a barge-in. Needs readPlayback and pushMicrophone called in step (as an audio
   * callback does: playback first). Default false.
   */
  echoCancellation?: EchoCancellationOption;
  /**
   * Echo gate between speaker and microphone: true (an `EchoGate` with defaults), its options, or
   * an instance. It is fed what `readPlayback` outputs and gates `pushMicrophone`, so the
   * assistant's own voice neither reaches the session nor triggers a local barge-in. Needs
   * inputRate = outputRate, and readPlayback/pushMicrophone called in step (as an audio callback does).
   */
  echoGate?: boolean | Omit<EchoGateOptions, 'sampleRate'> | (CaptureEchoGate & PlaybackReferenceSink);
  /** Interrupt playback as soon as the local VAD hears speech. Default false. */
  localBargeIn?: boolean;
  /** 'server' (default): the session detects turns; 'none': the app calls commit(). Updated by session events. */
  turnDetection?: TurnDetectionMode;
  /** Whether the session cancels its response by itself on speech (OpenAI `interrupt_response`). Default true. */
  interruptResponse?: boolean;
  /** Resampler quality for both directions. Default 'high'. */
  quality?: ResamplerQuality;
  /** Audio a WebSocket may have queued before further chunks are dropped and counted, ms (0..600000). Default 2000. */
  maxSendBufferMs?: number;
  /** Receives interruptions, errors and local VAD events. */
  onEvent?: (event: AdapterEvent) => void;
}

/** The adapter's own settings from its options, checked (OptionsError for anything wrong). */
export function checkAdapterOptions(options: RealtimeAudioAdapterOptions) {
  if (options === null || typeof options !== 'object') {
    throw new OptionsError("RealtimeAudioAdapter needs options: { protocol: 'openai' | 'openai-beta' | 'gemini', send, inputRate, outputRate }");
  }
  const onEvent = options.onEvent;
  if (onEvent !== undefined && typeof onEvent !== 'function') throw new OptionsError('onEvent must be a function');
  const localBargeIn = checkBoolean('localBargeIn', options.localBargeIn, false);
  if (localBargeIn && (options.vad === undefined || options.vad === false)) {
    throw new OptionsError('localBargeIn needs a client VAD: pass vad: true (or VAD options) as well');
  }
  return {
    onEvent,
    localBargeIn,
    turnDetection: checkChoice('turnDetection', options.turnDetection, 'server', ['server', 'none'] as const) as TurnDetectionMode,
    interruptResponse: checkBoolean('interruptResponse', options.interruptResponse, true),
  };
}

/** The adapter's echo gate from its `echoGate` option (an instance is used as it is). */
export function makeEchoGate(
  option: RealtimeAudioAdapterOptions['echoGate'],
  inputRate: number,
  outputRate: number,
): (CaptureEchoGate & PlaybackReferenceSink) | undefined {
  if (option === undefined || option === false) return undefined;
  if (inputRate !== outputRate) {
    throw new OptionsError(`echoGate needs the microphone and speaker at one rate (inputRate ${inputRate} != outputRate ${outputRate})`);
  }
  if (option === true) return new EchoGate({ sampleRate: inputRate });
  if (option === null || typeof option !== 'object') {
    throw new OptionsError(`echoGate must be true, EchoGate options or an EchoGate, got ${String(option)}`);
  }
  const given = option as Partial<CaptureEchoGate & PlaybackReferenceSink>;
  if (typeof given.processInto === 'function' && typeof given.pushReference === 'function') {
    return option as CaptureEchoGate & PlaybackReferenceSink;
  }
  return new EchoGate({ ...(option as Omit<EchoGateOptions, 'sampleRate'>), sampleRate: inputRate });
}
