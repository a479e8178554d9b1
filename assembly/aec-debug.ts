// TEMPORARY debug taps (not for commit)
export const DBG: usize = memory.data(4 * 256, 16);
export function aec_debug_ptr(): usize { return DBG; }
// @ts-ignore: decorator
@inline export function dbg(i: i32, v: f32): void { store<f32>(DBG + (<usize>i << 2), v); }
