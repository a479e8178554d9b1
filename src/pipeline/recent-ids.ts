// RecentIds: a bounded set of the most recent ids (items, responses), oldest forgotten first. Used
// where a session's ids must be remembered for a while (interrupted items and responses whose late
// audio is dropped, items the session announced) without growing over a long session. Lookups scan
// the array: the sets hold 16 to 64 ids.

export class RecentIds {
  /** Most ids held; adding one more forgets the oldest. */
  readonly capacity: number;
  private readonly ids: string[] = [];
  /** Slot the next new id takes once the set is full (the oldest one). */
  private next = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Ids held. */
  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.ids.includes(id);
  }

  /** Adds `id` (nothing happens when it is held already). */
  add(id: string): void {
    if (this.has(id)) return;
    if (this.ids.length < this.capacity) this.ids.push(id);
    else this.ids[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Forgets every id. */
  clear(): void {
    this.ids.length = 0;
    this.next = 0;
  }
}
