// The one export surface of the realtime-pcm wasm module: kernel entry points over pointers and
// lengths. Each kernel file opens with what it does, how, and its latency.
export { alloc, release } from "./memory";
export { pcm16_from_f32, pcm16_to_f32 } from "./pcm16";
export { b64_encode, b64_decode, b64_encoded_length } from "./base64";
export { g711_mulaw_encode, g711_mulaw_decode, g711_alaw_encode, g711_alaw_decode } from "./g711";
export { rs_state_bytes, rs_half_state_bytes, rs_double_state_bytes, rs_init, rs_half_init, rs_double_init, rs_reset, rs_input_window, rs_output_frames, rs_flush_frames, rs_process, rs_flush } from "./resample";
