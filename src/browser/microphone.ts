// Opening the microphone the way a realtime voice app should: the browser's echo cancellation,
// noise suppression and gain control on (they work with the speaker output the page plays), and
// no sample rate constraint. Unless a context is given, the AudioContext is created at the
// microphone track's own rate, so no browser resampling sits between them (Firefox refuses to
// connect a stream to a context of another rate); realtime-pcm resamples to the session's rate.
// Never create the context at 24 kHz to make the browser do the resampling.

/** The constraints `openMicrophone` uses unless told otherwise. */
export const DEFAULT_MICROPHONE_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
  channelCount: 1,
};

/** Options of `openMicrophone`. */
export interface MicrophoneOptions {
  /** Use this context (its rate may differ from the microphone's; the browser then converts). */
  context?: AudioContext;
  /** Merged over DEFAULT_MICROPHONE_CONSTRAINTS. */
  constraints?: MediaTrackConstraints;
}

/** An open microphone: its stream, an AudioContext at the device's own rate and the source node in it. */
export interface Microphone {
  readonly stream: MediaStream;
  readonly context: AudioContext;
  readonly source: MediaStreamAudioSourceNode;
  /** The microphone track's rate as the browser reports it (undefined if it does not). */
  readonly trackSampleRate: number | undefined;
  /** Stops the tracks (the recording indicator goes off), disconnects the source, and closes the context if this call made it. */
  close(): Promise<void>;
}

/** Asks for the microphone and wraps it as a source node of a context at its own rate. */
export async function openMicrophone(options: MicrophoneOptions = {}): Promise<Microphone> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { ...DEFAULT_MICROPHONE_CONSTRAINTS, ...options.constraints } });
  const trackSampleRate = stream.getAudioTracks()[0]?.getSettings().sampleRate;
  const ownContext = options.context === undefined;
  const context =
    options.context ?? new AudioContext(trackSampleRate ? { sampleRate: trackSampleRate, latencyHint: 'interactive' } : { latencyHint: 'interactive' });
  const source = context.createMediaStreamSource(stream);
  return {
    stream,
    context,
    source,
    trackSampleRate,
    close: async () => {
      source.disconnect();
      for (const track of stream.getTracks()) track.stop();
      if (ownContext) await context.close();
    },
  };
}
