/** The sample rate realtime speech sessions take and send (OpenAI Realtime): 24 kHz mono PCM16. */
export const REALTIME_SAMPLE_RATE = 24000;
/** Frames the pipelines give the kernels per call (capture and playback): one Web Audio render quantum. */
export const BLOCK_FRAMES = 128;
