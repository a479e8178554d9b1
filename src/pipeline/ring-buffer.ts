// A fixed-capacity float32 FIFO (single thread). Nothing allocates after construction: writes and
// reads copy with plain loops, wrapping around the end of the store.

export class FloatRing {
  readonly capacityFrames: number;
  private readonly store: Float32Array;
  private readIndex = 0;
  private writeIndex = 0;
  private count = 0;

  constructor(capacityFrames: number) {
    this.capacityFrames = capacityFrames;
    this.store = new Float32Array(capacityFrames);
  }

  /** Frames stored. */
  get availableFrames(): number {
    return this.count;
  }

  /** Frames that can still be written. */
  get freeFrames(): number {
    return this.capacityFrames - this.count;
  }

  /** Copies up to `frames` frames of `source` from `offset`; returns the frames written (less when full). */
  write(source: Float32Array, offset: number, frames: number): number {
    const n = Math.min(frames, this.capacityFrames - this.count);
    const store = this.store;
    const capacity = this.capacityFrames;
    let w = this.writeIndex;
    for (let i = 0; i < n; i++) {
      store[w] = source[offset + i]!;
      w = w + 1 === capacity ? 0 : w + 1;
    }
    this.writeIndex = w;
    this.count += n;
    return n;
  }

  /** Moves up to `frames` frames into `target` at `offset`; returns the frames read. */
  read(target: Float32Array, offset: number, frames: number): number {
    const n = Math.min(frames, this.count);
    const store = this.store;
    const capacity = this.capacityFrames;
    let r = this.readIndex;
    for (let i = 0; i < n; i++) {
      target[offset + i] = store[r]!;
      r = r + 1 === capacity ? 0 : r + 1;
    }
    this.readIndex = r;
    this.count -= n;
    return n;
  }

  /** Gives back the last `frames` frames read (they are read again next); at most what the last read returned. */
  unread(frames: number): void {
    const capacity = this.capacityFrames;
    this.readIndex = (this.readIndex - frames + capacity) % capacity;
    this.count += frames;
  }

  /** Drops everything stored. */
  clear(): void {
    this.readIndex = 0;
    this.writeIndex = 0;
    this.count = 0;
  }
}
