// The VAD's memory of the last second, and the test it serves: has the noise floor moved up?
//
// What: two windows of the last LEVEL_WINDOW_FRAMES values (1 s of 10 ms frames): the frame
// levels, and the same levels each averaged over SMOOTH_FRAMES (50 ms). `newFloorAbove` says when
// that second shows a new noise floor well above the VAD's noise centre, and the level window gives
// the new noise model (its 40% point and lower spread) to assembly/vad.ts.
// How: each window is kept both in arrival order (a ring) and sorted, so any quantile is a single
// load; each new value replaces the oldest one in the sorted copy and is moved to its place (at
// most one pass over the window per frame, no allocation). A new floor is a second whose averaged
// levels are steady (90% point within STEADY_DB of the 10% point) and all stand over the centre
// (10% point more than LAG_DB over it). The 50 ms average takes away the noise's frame-to-frame
// flicker and keeps speech's syllables: on the tuning material (the 16 kHz fixtures' classes, 0 dB
// SNR added, steps-tune), 1 s windows with speech in them that stood over the centre spread over
// >= 11.4 dB (>= 8.7 dB with babble at 0 dB SNR), white, pink, brown and band-limited (200-1000 Hz)
// noises over <= 3.7 dB; unaveraged, the two overlapped (speech >= 10.6 dB, noises up to ~10 dB).
// Latency: a new floor is seen once 90% of the window holds it: 0.9 s after a step, plus the 50 ms
// average (0.92 s measured).

/** Frames in a window: 1 s at the VAD's 10 ms frames. */
// @ts-ignore: decorator
@inline const LEVEL_WINDOW_FRAMES: i32 = 100;
// @ts-ignore: decorator
@inline const SMOOTH_FRAMES: i32 = 5;
// @ts-ignore: decorator
@inline const LAG_DB: f64 = 3.0;
// @ts-ignore: decorator
@inline const STEADY_DB: f64 = 6.0;
// @ts-ignore: decorator
@inline const WINDOW_LOW: f64 = 0.1;
// @ts-ignore: decorator
@inline const WINDOW_HIGH: f64 = 0.9;

/** Window header; the ring of values (f32) and their sorted copy follow it in memory. */
@unmanaged class LevelWindow {
  count: i32; // values held, up to LEVEL_WINDOW_FRAMES
  oldest: i32; // ring index of the oldest value once the window is full
}

// @ts-ignore: decorator
@inline const RING_OFF: usize = (offsetof<LevelWindow>() + 15) & ~15;
// @ts-ignore: decorator
@inline const SORTED_OFF: usize = RING_OFF + (<usize>LEVEL_WINDOW_FRAMES << 2);
// @ts-ignore: decorator
@inline const WINDOW_BYTES: usize = SORTED_OFF + (<usize>LEVEL_WINDOW_FRAMES << 2);
/** Bytes of the pair: the frame levels' window, then the averaged levels' window. */
// @ts-ignore: decorator
@inline export const FLOOR_WINDOWS_BYTES: usize = 2 * WINDOW_BYTES;

/** Empties both windows of the pair at `p`. */
export function floorWindowsReset(p: usize): void {
  for (let k: usize = 0; k < 2; k++) {
    const win = changetype<LevelWindow>(p + k * WINDOW_BYTES);
    win.count = 0;
    win.oldest = 0;
  }
}

/** Adds frame level `levelDb` to the pair at `p`, and its average over the last SMOOTH_FRAMES. */
export function floorWindowsPush(p: usize, levelDb: f64): void {
  push(p, levelDb);
  push(p + WINDOW_BYTES, recentMean(p, SMOOTH_FRAMES));
}

/** True when the last second is a steady noise floor standing more than LAG_DB over `centreDb`. */
export function newFloorAbove(p: usize, centreDb: f64): bool {
  const smoothed = p + WINDOW_BYTES;
  if (changetype<LevelWindow>(smoothed).count < LEVEL_WINDOW_FRAMES) return false;
  const lowDb = quantile(smoothed, WINDOW_LOW);
  return lowDb > centreDb + LAG_DB && quantile(smoothed, WINDOW_HIGH) - lowDb <= STEADY_DB;
}

/** The frame level a fraction `q` (0..1) of the last second lies below (some frame must be held). */
export function recentLevelQuantile(p: usize, q: f64): f64 {
  return quantile(p, q);
}

/** Mean distance below `centreDb` of the last second's frame levels under it (0 when none are). */
export function recentLowerSpread(p: usize, centreDb: f64): f64 {
  const n = changetype<LevelWindow>(p).count;
  const sorted = p + SORTED_OFF;
  let sum = 0.0;
  let below = 0;
  for (; below < n; below++) {
    const x = <f64>load<f32>(sorted + (<usize>below << 2));
    if (x >= centreDb) break;
    sum += centreDb - x;
  }
  return below > 0 ? sum / <f64>below : 0.0;
}

/** Adds `value` to the window at `w`, dropping the oldest once the window is full. */
function push(w: usize, value: f64): void {
  const win = changetype<LevelWindow>(w);
  const sorted = w + SORTED_OFF;
  const x = <f32>value;
  const n = win.count;
  let i: i32;
  if (n < LEVEL_WINDOW_FRAMES) {
    store<f32>(w + RING_OFF + (<usize>n << 2), x);
    i = n;
    win.count = n + 1;
  } else {
    const slot = w + RING_OFF + (<usize>win.oldest << 2);
    const old = load<f32>(slot);
    store<f32>(slot, x);
    win.oldest = win.oldest + 1 == LEVEL_WINDOW_FRAMES ? 0 : win.oldest + 1;
    // First sorted index holding `old` (equal values are interchangeable).
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (load<f32>(sorted + (<usize>mid << 2)) < old) lo = mid + 1;
      else hi = mid;
    }
    i = lo;
  }
  // Move the hole at i to where x belongs, shifting the values on the way.
  const last = win.count - 1;
  while (i > 0 && load<f32>(sorted + (<usize>(i - 1) << 2)) > x) {
    store<f32>(sorted + (<usize>i << 2), load<f32>(sorted + (<usize>(i - 1) << 2)));
    i--;
  }
  while (i < last && load<f32>(sorted + (<usize>(i + 1) << 2)) < x) {
    store<f32>(sorted + (<usize>i << 2), load<f32>(sorted + (<usize>(i + 1) << 2)));
    i++;
  }
  store<f32>(sorted + (<usize>i << 2), x);
}

/** The value a fraction `q` of the window at `w` lies below (the window must not be empty). */
function quantile(w: usize, q: f64): f64 {
  const n = changetype<LevelWindow>(w).count;
  const i = min(n - 1, <i32>(q * <f64>n));
  return <f64>load<f32>(w + SORTED_OFF + (<usize>i << 2));
}

/** Mean of the newest `frames` values of the window at `w` (fewer while it fills; not empty). */
function recentMean(w: usize, frames: i32): f64 {
  const win = changetype<LevelWindow>(w);
  const n = min(frames, win.count);
  let at = win.count < LEVEL_WINDOW_FRAMES ? win.count : win.oldest;
  let sum = 0.0;
  for (let k = 0; k < n; k++) {
    at = at == 0 ? LEVEL_WINDOW_FRAMES - 1 : at - 1;
    sum += <f64>load<f32>(w + RING_OFF + (<usize>at << 2));
  }
  return sum / <f64>n;
}
