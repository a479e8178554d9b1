// The one export surface of the realtime-pcm wasm module: kernel entry points over pointers and
// lengths. Each kernel file opens with what it does, how, and its latency.
export { alloc, release } from "./memory";
export { pcm16_from_f32, pcm16_to_f32 } from "./pcm16";
export { b64_encode, b64_decode, b64_encoded_length } from "./base64";
export { g711_mulaw_encode, g711_mulaw_decode, g711_alaw_encode, g711_alaw_decode } from "./g711";
export { rs_state_bytes, rs_init, rs_reset, rs_input_window, rs_output_frames, rs_flush_frames, rs_process, rs_flush } from "./resample";
export { rs_prototype, rs_prototype_length } from "./resample-prototypes";
export { vad_state_bytes, vad_init, vad_reset, vad_process, vad_frames_decided, vad_frames, vad_speaking, vad_last_decision, vad_level_db, vad_floor_db } from "./vad";
export { gate_state_bytes, gate_init, gate_reset, gate_push_reference, gate_process, gate_open, gate_gain, gate_delay_blocks, gate_delay_trusted, gate_erl_db, gate_far_active, gate_slot, gate_align } from "./echo-gate";
