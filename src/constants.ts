/** The sample rate realtime speech sessions take and send (OpenAI Realtime): 24 kHz mono PCM16. */
export const REALTIME_SAMPLE_RATE = 24000;
/** Frames in one Web Audio render quantum. */
export const RENDER_QUANTUM_FRAMES = 128;
