// The VAD's windows of recent levels: the last LEVEL_WINDOW_FRAMES values (1 s of 10 ms frames),
// kept both in arrival order (a ring) and sorted, so any quantile of the last second is a single
// load. Each new value replaces the oldest one in the sorted copy and is moved to its place: at most
// one pass over the window per frame, no allocation. Used by assembly/vad.ts to tell a new noise
// floor (a steady level, however far above the noise estimate) from speech.
// Latency: none (a window is read after each frame is pushed).

/** Frames in the window: 1 s at the VAD's 10 ms frames. */
// @ts-ignore: decorator
@inline export const LEVEL_WINDOW_FRAMES: i32 = 100;

/** Window header; the ring of levels (f32) and their sorted copy follow it in memory. */
@unmanaged export class LevelWindow {
  count: i32; // levels held, up to LEVEL_WINDOW_FRAMES
  oldest: i32; // ring index of the oldest level once the window is full
}

// @ts-ignore: decorator
@inline const RING_OFF: usize = (offsetof<LevelWindow>() + 15) & ~15;
// @ts-ignore: decorator
@inline const SORTED_OFF: usize = RING_OFF + (<usize>LEVEL_WINDOW_FRAMES << 2);
/** Bytes of a window: header, ring, sorted copy. */
// @ts-ignore: decorator
@inline export const LEVEL_WINDOW_BYTES: usize = SORTED_OFF + (<usize>LEVEL_WINDOW_FRAMES << 2);

/** Empties the window at `w`. */
export function windowReset(w: usize): void {
  const win = changetype<LevelWindow>(w);
  win.count = 0;
  win.oldest = 0;
}

/** Adds `levelDb`, dropping the oldest level once the window is full. */
export function windowPush(w: usize, levelDb: f64): void {
  const win = changetype<LevelWindow>(w);
  const sorted = w + SORTED_OFF;
  const x = <f32>levelDb;
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
    // First sorted index holding `old` (equal levels are interchangeable).
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (load<f32>(sorted + (<usize>mid << 2)) < old) lo = mid + 1;
      else hi = mid;
    }
    i = lo;
  }
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

/** Mean of the newest `frames` levels (fewer while the window fills; it must not be empty). */
export function windowRecentMean(w: usize, frames: i32): f64 {
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

/** True once the window holds LEVEL_WINDOW_FRAMES levels. */
// @ts-ignore: decorator
@inline export function windowFull(w: usize): bool {
  return changetype<LevelWindow>(w).count == LEVEL_WINDOW_FRAMES;
}

/** The level a fraction `q` (0..1) of the window lies below (the window must not be empty). */
export function windowQuantile(w: usize, q: f64): f64 {
  const n = changetype<LevelWindow>(w).count;
  const i = min(n - 1, <i32>(q * <f64>n));
  return <f64>load<f32>(w + SORTED_OFF + (<usize>i << 2));
}

/** Mean distance below `centreDb` of the window's levels under it (0 when none are). */
export function windowLowerSpread(w: usize, centreDb: f64): f64 {
  const n = changetype<LevelWindow>(w).count;
  const sorted = w + SORTED_OFF;
  let sum = 0.0;
  let below = 0;
  for (; below < n; below++) {
    const x = <f64>load<f32>(sorted + (<usize>below << 2));
    if (x >= centreDb) break;
    sum += centreDb - x;
  }
  return below > 0 ? sum / <f64>below : 0.0;
}
