// `npm start`: a short demonstration of what the library does today, on the built package.
// (The full local voice session demo replaces this once the pipelines and worklets exist.)
import { floatToPcm16, pcm16ToFloat, encodeBase64, decodeBase64, base64Implementation, REALTIME_SAMPLE_RATE } from '../dist/index.js';

const frames = (REALTIME_SAMPLE_RATE * 20) / 1000; // one 20 ms chunk at 24 kHz
const tone = new Float32Array(frames);
for (let i = 0; i < frames; i++) tone[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / REALTIME_SAMPLE_RATE);
tone[10] = 1.25; // an over-range sample: clamped, not wrapped
tone[11] = NaN; // a NaN: becomes 0

const pcm = floatToPcm16(tone);
const bytes = new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
const audio = encodeBase64(bytes);
const event = { type: 'input_audio_buffer.append', audio };
console.log('realtime-pcm: 20 ms of a 440 Hz tone at 24 kHz, as a realtime session event\n');
console.log(`${JSON.stringify(event).slice(0, 96)}...`);
console.log(`\n${frames} samples -> ${bytes.length} bytes of PCM16 -> ${audio.length} base64 characters (base64 path: ${base64Implementation})`);
console.log(`sample 10 (1.25) -> ${pcm[10]} (clamped), sample 11 (NaN) -> ${pcm[11]}`);

const back = pcm16ToFloat(new Int16Array(decodeBase64(audio).buffer));
let maxError = 0;
for (let i = 12; i < frames; i++) maxError = Math.max(maxError, Math.abs(back[i] - tone[i]));
console.log(`decoded back: max error ${(maxError * 32768).toFixed(3)} LSB (half an LSB is the bound)`);
try {
  decodeBase64('QUJD QUJD');
} catch (error) {
  console.log(`strict decoding: ${error.name} (${error.reason} at ${error.position}): ${error.message}`);
}
