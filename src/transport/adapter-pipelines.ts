// The pipelines a RealtimeAudioAdapter runs, made from its options: the capture pipeline (the
// microphone to the session's rate and format), and where the session's audio goes (a
// PlaybackPipeline at the speaker's rate, or the app's own `playout`), with the echo canceller or
// the echo gate between them when asked for: what the playback plays goes to the capture pipeline
// as their reference. The canceller gets it at the session rate: the playback's `sessionReference`
// tap, before its one resampler to the speaker; with no second resampler in the capture path when
// the session's two rates are equal (OpenAI's 24 kHz: 1.13-1.15x the chain's speed), through one
// 24 -> 16 kHz resampler for Gemini (16 kHz in, 24 kHz out), cheaper than the device rate's 48 ->
// 16 kHz (docs/echo-canceller.md, Speed). The gate gets what the speaker plays at the device
// rate. Says which of them the adapter made.
import { OptionsError } from '../errors.js';
import { CapturePipeline, type AudioEncoding } from '../pipeline/capture.js';
import { checkOneEchoStage } from '../pipeline/capture-echo.js';
import { PlaybackPipeline, type PlaybackPipelineOptions } from '../pipeline/playback.js';
import { makeEchoGate, PLAYBACK_OPTION_NAMES, type PlaybackOptionNames, type RealtimeAudioAdapterOptions } from './adapter-options.js';
import type { SessionPlayout } from './playout.js';
import type { SessionProtocol } from './protocol.js';

export interface AdapterPipelines {
  capture: CapturePipeline;
  playback: SessionPlayout;
  /** The playback was made here (no `playout` given): the adapter frees it. */
  ownsPlayback: boolean;
  /** The echo gate made here (from `echoGate: true` or options), which the adapter frees. */
  ownedEchoGate: { free(): void } | undefined;
}

/** The pipelines' sample encoding for a protocol's audio format. */
function encodingOf(protocol: SessionProtocol): AudioEncoding {
  return protocol.audioFormat === 'pcmu' ? 'mulaw' : protocol.audioFormat === 'pcma' ? 'alaw' : 'pcm16';
}

/** The playback options given to the adapter (those left out stay out: PlaybackPipeline's defaults). */
function playbackOptions(options: RealtimeAudioAdapterOptions): Pick<PlaybackPipelineOptions, PlaybackOptionNames> {
  const picked: Record<string, unknown> = {};
  for (const name of PLAYBACK_OPTION_NAMES) if (options[name] !== undefined) picked[name] = options[name];
  return picked as Pick<PlaybackPipelineOptions, PlaybackOptionNames>;
}

export function makePipelines(options: RealtimeAudioAdapterOptions, protocol: SessionProtocol): AdapterPipelines {
  const encoding = encodingOf(protocol);
  const playout = options.playout;
  if (playout !== undefined && (playout === null || typeof playout.interrupt !== 'function' || typeof playout.pushDelta !== 'function')) {
    throw new OptionsError('playout must be a SessionPlayout (pushDelta, endItem, interrupt, active, stats, outputRate), e.g. a CarrierPlayout');
  }
  checkOneEchoStage(options.echoGate, options.echoCancellation);
  for (const name of ['echoGate', 'echoCancellation'] as const) {
    if (playout !== undefined && options[name] !== undefined && options[name] !== false) {
      throw new OptionsError(`${name} needs the speaker: it cannot be combined with a playout of your own`);
    }
  }
  const outputRate = options.outputRate ?? playout?.outputRate;
  const echoGate = makeEchoGate(options.echoGate, options.inputRate, outputRate as number);
  // the canceller's reference at the session rate, straight from the playout (no playout of the app's own, no gate)
  const sessionTap = playout === undefined && echoGate === undefined && options.echoCancellation !== undefined && options.echoCancellation !== false;
  const capture = new CapturePipeline({
    inputRate: options.inputRate,
    outputRate: protocol.inputRate,
    chunkMs: options.chunkMs,
    vad: options.vad,
    echoGate,
    echoCancellation: options.echoCancellation,
    referenceRate: sessionTap ? protocol.outputRate : outputRate,
    silenceGating: options.silenceGating,
    prefixPaddingMs: options.prefixPaddingMs,
    quality: options.quality,
    encoding,
  });
  const playback =
    playout ??
    new PlaybackPipeline({
      outputRate: outputRate as number,
      inputRate: protocol.outputRate,
      quality: options.quality,
      ...playbackOptions(options),
      // what is played goes to the echo stages (the capture pipeline passes it on)
      echoGate: sessionTap || (echoGate === undefined && capture.echoCanceller === undefined) ? undefined : capture,
      sessionReference: sessionTap ? capture : undefined,
      encoding,
    });
  return {
    capture,
    playback,
    ownsPlayback: playout === undefined,
    ownedEchoGate: echoGate !== undefined && echoGate !== options.echoGate ? (echoGate as unknown as { free(): void }) : undefined,
  };
}
