// ItemQueue: audio waiting to be sent to a remote player, as the arrays it came in (8 kHz G.711
// bytes per session item, kept by reference: no copy on the way in), taken out in frames that
// never span two items. Bounded in frames: what does not fit is refused and counted by the caller.

interface Piece {
  itemId: string;
  bytes: Uint8Array;
}

export class ItemQueue {
  readonly capacityFrames: number;
  /** Frames queued. */
  frames = 0;
  private readonly pieces: Piece[] = [];
  private head = 0;
  /** Offset in the head piece. */
  private offset = 0;

  constructor(capacityFrames: number) {
    this.capacityFrames = capacityFrames;
  }

  /** The item the next frame belongs to, or undefined when empty. */
  get nextItemId(): string | undefined {
    return this.pieces[this.head]?.itemId;
  }

  /** Queues `bytes` of `itemId` (kept by reference; do not change it). Returns the frames that did not fit (dropped). */
  push(itemId: string, bytes: Uint8Array): number {
    const room = this.capacityFrames - this.frames;
    const taken = Math.min(room, bytes.length);
    if (taken > 0) {
      this.pieces.push({ itemId, bytes: taken === bytes.length ? bytes : bytes.subarray(0, taken) });
      this.frames += taken;
    }
    return bytes.length - taken;
  }

  /** Frames of `itemId` queued. */
  framesOf(itemId: string): number {
    let frames = 0;
    for (let i = this.head; i < this.pieces.length; i++) {
      const piece = this.pieces[i]!;
      if (piece.itemId === itemId) frames += piece.bytes.length - (i === this.head ? this.offset : 0);
    }
    return frames;
  }

  /** The items queued, in order, each once (allocates). */
  itemIds(): string[] {
    const ids: string[] = [];
    for (let i = this.head; i < this.pieces.length; i++) {
      const id = this.pieces[i]!.itemId;
      if (ids[ids.length - 1] !== id) ids.push(id);
    }
    return ids;
  }

  /**
   * Moves up to `frame.length` frames of the next item into `frame`; returns how many (0 when
   * empty). The next call goes on with the same item, or the next one.
   */
  take(frame: Uint8Array): number {
    let n = 0;
    const itemId = this.nextItemId;
    while (n < frame.length && this.head < this.pieces.length) {
      const piece = this.pieces[this.head]!;
      if (piece.itemId !== itemId) break;
      const count = Math.min(frame.length - n, piece.bytes.length - this.offset);
      for (let i = 0; i < count; i++) frame[n + i] = piece.bytes[this.offset + i]!;
      n += count;
      this.offset += count;
      if (this.offset === piece.bytes.length) this.advance();
    }
    this.frames -= n;
    return n;
  }

  /** Drops everything; returns the frames dropped. */
  clear(): number {
    const frames = this.frames;
    this.pieces.length = 0;
    this.head = 0;
    this.offset = 0;
    this.frames = 0;
    return frames;
  }

  private advance(): void {
    this.head++;
    this.offset = 0;
    if (this.head === this.pieces.length) {
      this.pieces.length = 0;
      this.head = 0;
    } else if (this.head >= 64) {
      this.pieces.splice(0, this.head);
      this.head = 0;
    }
  }
}
