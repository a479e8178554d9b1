// The one export surface of the realtime-pcm wasm module: kernel entry points over pointers and
// lengths. Each kernel file opens with what it does, how, and its latency.
//
// The shape of a kernel with state (vad.ts and echo-gate.ts are the models; new kernels follow it):
// - State: one block that the TypeScript wrapper allocates (Heap.alloc) and releases in free().
//   Its layout is an `@unmanaged` class over the state pointer (`changetype<State>(s)`): fields in
//   declaration order, the options first, then the stream state that x_reset clears; arrays follow
//   the struct at offsets computed from `offsetof<State>()` (16-byte aligned where SIMD reads
//   them), as AssemblyScript's own TLSF allocator lays out its root. A sub-struct (a filter
//   section, a running statistic) is viewed with changetype at its offset. No slot numbers, no
//   state that is only written.
// - Exports, all over the state pointer: x_state_bytes() (the block's size), x_init(s, options...)
//   (writes the options, then x_reset), x_process(s, inPtr, samples, ...) returning the count it
//   produced or consumed, x_reset(s), and one named getter per value TypeScript reads.
// - The wrapper puts its IO windows in the same block, after the state, and moves samples through
//   them with Heap.write / read / through (src/wasm/heap.ts). Nothing allocates while processing.
// - Shared helpers live in shared.ts: NaN/Inf cleaning, dB conversion, running statistics.
export { alloc, release } from "./memory";
export { pcm16_from_f32, pcm16_to_f32 } from "./pcm16";
export { b64_encode, b64_decode, b64_encoded_length } from "./base64";
export { g711_mulaw_encode, g711_mulaw_decode, g711_alaw_encode, g711_alaw_decode } from "./g711";
export { rs_state_bytes, rs_init, rs_reset, rs_input_window, rs_output_frames, rs_flush_frames, rs_process, rs_flush } from "./resample";
export { rs_prototype, rs_prototype_length } from "./resample-prototypes";
export { vad_state_bytes, vad_init, vad_reset, vad_process, vad_frames_decided, vad_frames, vad_speaking, vad_last_decision, vad_level_db, vad_floor_db } from "./vad";
export { gate_state_bytes, gate_init, gate_reset, gate_push_reference, gate_process, gate_open, gate_gain, gate_delay_blocks, gate_delay_trusted, gate_erl_db, gate_far_active, gate_delay_confidence, gate_align } from "./echo-gate";
export { fft_table_bytes, fft_work_bytes, fft_init, fft_forward, fft_inverse, fft_forward_half, fft_inverse_half } from "./fft";
export { aec_state_bytes, aec_init, aec_reset, aec_push_reference, aec_process, aec_latency_blocks, aec_onset_blocks, aec_beyond_blocks, aec_erle_db, aec_converged, aec_user_present, aec_path_changes, aec_dropped_reference, aec_skew_ppm } from "./echo-canceller";
export { aec_discard_reference, aec_echo_reduction_db, aec_echo_only_blocks } from "./echo-canceller";
