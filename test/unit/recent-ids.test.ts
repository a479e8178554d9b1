// RecentIds: a bounded set that forgets its oldest id first (the adapter's known items and
// interrupted responses, playback's interrupted items).
import { describe, expect, it } from 'vitest';
import { RecentIds } from '../../src/pipeline/recent-ids.js';

describe('RecentIds', () => {
  it('holds at most `capacity` ids, forgetting the oldest first, and ignores repeats', () => {
    const ids = new RecentIds(3);
    for (const id of ['a', 'b', 'c', 'b']) ids.add(id);
    expect(ids.size).toBe(3);
    ids.add('d'); // forgets a
    expect(['a', 'b', 'c', 'd'].map((id) => ids.has(id))).toEqual([false, true, true, true]);
    ids.add('e'); // forgets b
    ids.add('f'); // forgets c
    expect(['b', 'c', 'd', 'e', 'f'].map((id) => ids.has(id))).toEqual([false, false, true, true, true]);
    expect(ids.size).toBe(3);
  });

  it('stays bounded over many ids and can be cleared', () => {
    const ids = new RecentIds(16);
    for (let i = 0; i < 10_000; i++) ids.add(`item-${i}`);
    expect(ids.size).toBe(16);
    expect(ids.has('item-9983')).toBe(false);
    expect(ids.has('item-9984')).toBe(true);
    expect(ids.has('item-9999')).toBe(true);
    ids.clear();
    expect(ids.size).toBe(0);
    expect(ids.has('item-9999')).toBe(false);
    ids.add('x');
    expect(ids.has('x')).toBe(true);
  });
});
