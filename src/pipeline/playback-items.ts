// Per-item accounting for the playback buffer: the buffer holds the items' frames back to back, in
// order; this ledger knows how many frames of each are still buffered and how many were played,
// so an interruption can say exactly how much of the playing item was heard. Records are
// preallocated and reused: nothing allocates while frames are read.

export class PlaybackItem {
  itemId = '';
  /** Session-rate frames received (decoded from deltas). */
  receivedFrames = 0;
  /** Device-rate frames written to the buffer (after resampling; overflow excluded). */
  writtenFrames = 0;
  /** Device-rate frames of this item still in the buffer. */
  bufferedFrames = 0;
  /** Device-rate frames of this item read out to the speaker. */
  playedFrames = 0;
  /** No more audio will come for this item (done, or the next item started). */
  ended = false;
  /** Playback clock (device frames read) when its first audio arrived; -1 before. */
  firstArrivalFrame = -1;
  /** Latest arrival against playing from the first one without a pause, device frames (ArrivalStats). */
  peakDelayFrames = 0;

  reset(itemId: string): void {
    this.itemId = itemId;
    this.receivedFrames = 0;
    this.writtenFrames = 0;
    this.bufferedFrames = 0;
    this.playedFrames = 0;
    this.ended = false;
    this.firstArrivalFrame = -1;
    this.peakDelayFrames = 0;
  }
}

/** FIFO of the items that have frames in the buffer (or are receiving), at most `capacity`. */
export class ItemLedger {
  private readonly records: PlaybackItem[];
  private head = 0;
  private size = 0;
  /** The last item whose frames were read (kept after it left the ledger). */
  lastPlayed: PlaybackItem | undefined;
  /** Holds `lastPlayed` once its slot has left the ledger (slots are reused). */
  private readonly retired = new PlaybackItem();

  constructor(readonly capacity: number) {
    this.records = Array.from({ length: capacity }, () => new PlaybackItem());
  }

  get count(): number {
    return this.size;
  }

  /** The oldest item (the one playing or next to play), if any. */
  first(): PlaybackItem | undefined {
    return this.size === 0 ? undefined : this.records[this.head];
  }

  /** The newest item (the one receiving), if any. */
  last(): PlaybackItem | undefined {
    return this.size === 0 ? undefined : this.records[(this.head + this.size - 1) % this.capacity];
  }

  at(index: number): PlaybackItem {
    return this.records[(this.head + index) % this.capacity]!;
  }

  /** Starts a new item; returns undefined when `capacity` items are already queued. */
  push(itemId: string): PlaybackItem | undefined {
    if (this.size === this.capacity) return undefined;
    const record = this.records[(this.head + this.size) % this.capacity]!;
    record.reset(itemId);
    this.size++;
    return record;
  }

  /**
   * Accounts `frames` frames read from the buffer, oldest item first; items that are ended and
   * fully played leave the ledger (the last one stays reachable as `lastPlayed`).
   */
  consume(frames: number): void {
    let left = frames;
    while (left > 0 && this.size > 0) {
      const record = this.records[this.head]!;
      const take = Math.min(left, record.bufferedFrames);
      record.bufferedFrames -= take;
      record.playedFrames += take;
      left -= take;
      if (take > 0) this.lastPlayed = record;
      if (record.bufferedFrames === 0 && record.ended) this.shift();
      else if (take === 0) break;
    }
  }

  /** Drops items that are ended with nothing buffered at the head (e.g. an item whose audio was all dropped). */
  prune(): void {
    while (this.size > 0) {
      const record = this.records[this.head]!;
      if (!(record.ended && record.bufferedFrames === 0)) break;
      this.shift();
    }
  }

  /** Forgets every item, `lastPlayed` included. */
  clear(): void {
    this.head = 0;
    this.size = 0;
    this.lastPlayed = undefined;
  }

  private shift(): void {
    const record = this.records[this.head]!;
    if (this.lastPlayed === record) {
      const copy = this.retired;
      copy.itemId = record.itemId;
      copy.receivedFrames = record.receivedFrames;
      copy.writtenFrames = record.writtenFrames;
      copy.bufferedFrames = record.bufferedFrames;
      copy.playedFrames = record.playedFrames;
      copy.ended = record.ended;
      copy.firstArrivalFrame = record.firstArrivalFrame;
      copy.peakDelayFrames = record.peakDelayFrames;
      this.lastPlayed = copy;
    }
    this.head = (this.head + 1) % this.capacity;
    this.size--;
  }
}
