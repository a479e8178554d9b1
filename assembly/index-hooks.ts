// The kernels with the echo canceller's bench hooks (./bench-hooks), for `asc --use BENCH_HOOKS=1`
// (bench/echo-lab/hooked-build.mjs): every release export and the hooks' own. Never shipped.
export * from "./index";
export { aec_trace_set, aec_trace_count, aec_ptrace_set, aec_ptrace_count, aec_strace_set, aec_strace_count, aec_double, aec_emulate } from "./bench-hooks";
