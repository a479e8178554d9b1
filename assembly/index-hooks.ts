// The kernels with the echo canceller's bench hooks (./bench-hooks), for `asc --use BENCH_HOOKS=1`
// (bench/echo-lab/hooked-build.mjs): every release export and the hooks' own. Never shipped.
export * from "./index";
export { aec_trace_set, aec_trace_count, aec_ptrace_set, aec_ptrace_count, aec_wtrace_set, aec_wtrace_count, aec_double, aec_emulate, aec_late_log_reset, aec_late_early_block, aec_late_score_block, aec_late_used_blocks, aec_delay_profile, aec_delay_lags, aec_delay_peak, aec_delay_unplaced, aec_delay_search_lags, aec_hall_state, aec_oracle_set, aec_resid_oracle_set, aec_talk_oracle_set, aec_decay_info, aec_strace_set, aec_strace_count, aec_ktrace_set, aec_ktrace_count, aec_sktrace_set, aec_sktrace_count, aec_decay_log_reset, aec_veto_set } from "./bench-hooks";
