// A bounded float32 FIFO (single thread). Its store starts small and doubles, on a write that does
// not fit, up to `maxFrames` (a long buffer bound costs memory only when the audio is there:
// a 60 s bound at 48 kHz is 11.5 MB, most calls need a few seconds). Reads never allocate; a
// write allocates only when the store grows (at most log2(max / initial) times in a stream).
// Copies are plain loops, wrapping around the end of the store.

/** The store a ring starts with, frames (or its bound if smaller): 1 s at 48 kHz. */
export const INITIAL_RING_FRAMES = 48_000;

export class FloatRing {
  /** The most frames it holds. */
  readonly capacityFrames: number;
  private store: Float32Array;
  private readIndex = 0;
  private writeIndex = 0;
  private count = 0;

  constructor(capacityFrames: number, initialFrames = INITIAL_RING_FRAMES) {
    this.capacityFrames = capacityFrames;
    this.store = new Float32Array(Math.min(capacityFrames, initialFrames));
  }

  /** Frames stored. */
  get availableFrames(): number {
    return this.count;
  }

  /** Frames that can still be written. */
  get freeFrames(): number {
    return this.capacityFrames - this.count;
  }

  /** Frames the store holds now (it grows up to `capacityFrames`). */
  get storeFrames(): number {
    return this.store.length;
  }

  /** Copies up to `frames` frames of `source` from `offset`; returns the frames written (less when full). */
  write(source: Float32Array, offset: number, frames: number): number {
    const n = Math.min(frames, this.capacityFrames - this.count);
    if (this.count + n > this.store.length) this.grow(this.count + n);
    const store = this.store;
    const size = store.length;
    let w = this.writeIndex;
    for (let i = 0; i < n; i++) {
      store[w] = source[offset + i]!;
      w = w + 1 === size ? 0 : w + 1;
    }
    this.writeIndex = w;
    this.count += n;
    return n;
  }

  /** Moves up to `frames` frames into `target` at `offset`; returns the frames read. */
  read(target: Float32Array, offset: number, frames: number): number {
    const n = Math.min(frames, this.count);
    const store = this.store;
    const size = store.length;
    let r = this.readIndex;
    for (let i = 0; i < n; i++) {
      target[offset + i] = store[r]!;
      r = r + 1 === size ? 0 : r + 1;
    }
    this.readIndex = r;
    this.count -= n;
    return n;
  }

  /** Gives back the last `frames` frames read (they are read again next); at most what the last read returned. */
  unread(frames: number): void {
    const size = this.store.length;
    this.readIndex = (this.readIndex - frames + size) % size;
    this.count += frames;
  }

  /** Drops everything stored (the store keeps its size). */
  clear(): void {
    this.readIndex = 0;
    this.writeIndex = 0;
    this.count = 0;
  }

  /** A store of at least `frames` (doubling, up to the bound), the frames in order from 0. */
  private grow(frames: number): void {
    let size = Math.max(1, this.store.length);
    while (size < frames) size = Math.min(this.capacityFrames, size * 2);
    const next = new Float32Array(size);
    const held = this.count;
    // the held frames in order: at most two runs of the old store, copied by `set` and not through
    // `read`. A `read` of a whole store (tens of thousands of frames) ran its loop long enough for
    // V8 to compile it on stack (OSR); when `read`'s own optimised code was missing later (not yet
    // made, or dropped), each 128-frame read ran its first frame in baseline code, a boxed float,
    // and entered that OSR code: 16 bytes a read for thousands of quanta (bench/alloc-driver.mjs)
    const old = this.store;
    const first = Math.min(held, old.length - this.readIndex);
    next.set(old.subarray(this.readIndex, this.readIndex + first), 0);
    if (held > first) next.set(old.subarray(0, held - first), first);
    this.store = next;
    this.readIndex = 0;
    this.writeIndex = held === size ? 0 : held;
    this.count = held;
  }
}
