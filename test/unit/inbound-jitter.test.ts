// InboundJitter: carrier chunks (number, timestamp, payload) to one gapless stream. References by
// construction: the chunks are slices of one known stream at known timestamps, so the expected
// output (the stream, with silence where chunks were omitted) is built here independently.
import { describe, expect, it } from 'vitest';
import { InboundJitter } from '../../src/pipeline/inbound-jitter.js';
import { randomBytes, rng } from '../helpers/random.js';

const SILENCE = 0xff;

function collector() {
  const parts: number[] = [];
  let silenceFrames = 0;
  const jitter = (options: Partial<ConstructorParameters<typeof InboundJitter>[0]> = {}) =>
    new InboundJitter({
      framesPerMs: 8,
      silenceByte: SILENCE,
      emit: (bytes, start, end, silence) => {
        for (let i = start; i < end; i++) parts.push(bytes[i]!);
        if (silence) silenceFrames += end - start;
      },
      ...options,
    });
  return { jitter, out: () => Uint8Array.from(parts), silence: () => silenceFrames };
}

/** `n` chunks of 160 bytes of a random stream, chunk numbers from 1, timestamps every 20 ms from 0. */
function chunks(n: number, seed = 1) {
  const stream = randomBytes(n * 160, seed);
  return { stream, list: Array.from({ length: n }, (_, i) => ({ chunk: i + 1, ts: i * 20, payload: stream.subarray(i * 160, i * 160 + 160) })) };
}

describe('InboundJitter', () => {
  it('in order: the stream as sent, bit for bit, nothing filled', () => {
    const c = collector();
    const j = c.jitter();
    const { stream, list } = chunks(200);
    for (const { chunk, ts, payload } of list) {
      j.push(chunk, ts, payload, ts + 20);
      j.poll(ts + 20);
    }
    expect(c.out()).toEqual(stream);
    expect(c.silence()).toBe(0);
    expect(j.stats).toMatchObject({ chunks: 200, reordered: 0, late: 0, lost: 0, filledFrames: 0 });
  });

  it('reordered within the hold time (each chunk delayed 0-35 ms at random): the same stream', () => {
    const c = collector();
    const j = c.jitter();
    const { stream, list } = chunks(500, 2);
    const random = rng(3);
    const arrivals = list.map((x) => ({ ...x, at: x.ts + 20 + random() * 35 })).sort((a, b) => a.at - b.at);
    for (const a of arrivals) {
      j.poll(a.at);
      j.push(a.chunk, a.ts, a.payload, a.at);
    }
    j.drain();
    expect(j.stats.reordered).toBeGreaterThan(20);
    expect(c.out()).toEqual(stream);
    expect(j.stats).toMatchObject({ chunks: 500, late: 0, lost: 0, filledFrames: 0 });
  });

  it('a carrier that omits silent chunks (numbers contiguous, timestamps jump): silence fills each gap exactly', () => {
    const c = collector();
    const j = c.jitter();
    const { stream, list } = chunks(300, 4);
    const random = rng(5);
    const expected = Uint8Array.from(stream);
    let number = 1;
    for (const { ts, payload } of list) {
      const omit = random() < 0.4 && ts > 0;
      if (omit) {
        expected.fill(SILENCE, (ts / 20) * 160, (ts / 20) * 160 + 160);
        continue;
      }
      j.push(number++, ts, payload, ts + 20);
    }
    // the last chunk was not omitted (or the stream ends at the last one sent)
    const out = c.out();
    expect(out).toEqual(expected.subarray(0, out.length));
    expect(out.length).toBe(Math.max(...list.filter((_, i) => i < out.length / 160).map((x) => x.ts)) * 8 + 160);
  });

  it('a quiet carrier: silence by the clock, kept fillAfterMs behind it; speech resuming lands at its timestamp', () => {
    const c = collector();
    const j = c.jitter({ fillAfterMs: 80 });
    const { list } = chunks(5, 6);
    for (const { chunk, ts, payload } of list) j.push(chunk, ts, payload, ts + 20 + 3); // 3 ms network delay
    for (let t = 120; t <= 1100; t += 20) j.poll(t);
    // carrier time at 1100 ms is 1097; the stream is kept 80 ms behind: within one frame of 1017 ms
    expect(j.streamMs).toBeGreaterThan(1017 - 20);
    expect(j.streamMs).toBeLessThanOrEqual(1017);
    const before = j.position;
    const payload = new Uint8Array(160).fill(7);
    j.push(6, 1040, payload, 1040 + 20 + 3);
    expect(j.position - before).toBe((1040 - before / 8) * 8 + 160);
    expect(c.out().subarray(1040 * 8, 1040 * 8 + 160)).toEqual(payload);
    expect(j.stats.trimmedFrames).toBe(0);
  });

  it('late, duplicate and lost chunks are counted; a lost one is skipped after holdMs and its time filled', () => {
    const c = collector();
    const j = c.jitter({ holdMs: 40 });
    const { stream, list } = chunks(6, 7);
    j.push(1, 0, list[0]!.payload, 20);
    j.push(1, 0, list[0]!.payload, 21); // duplicate of one taken: behind the stream
    // chunk 2 is lost
    j.push(3, 40, list[2]!.payload, 60);
    j.push(3, 40, list[2]!.payload, 61); // duplicate of one held
    j.poll(90);
    expect(j.heldChunks).toBe(1);
    j.poll(101); // waited 41 ms
    expect(j.heldChunks).toBe(0);
    j.push(2, 20, list[1]!.payload, 102); // too late now
    const out = c.out();
    expect(out.subarray(0, 160)).toEqual(stream.subarray(0, 160));
    expect(out.subarray(160, 320)).toEqual(new Uint8Array(160).fill(SILENCE));
    expect(out.subarray(320, 480)).toEqual(stream.subarray(320, 480));
    expect(j.stats).toMatchObject({ late: 2, duplicates: 1, lost: 1, filledFrames: 160 });
  });

  it('an hour of chunks with jitter, reordering and omitted silence: the stream ends exactly at the last timestamp', () => {
    const c = { frames: 0 };
    const j = new InboundJitter({ framesPerMs: 8, silenceByte: SILENCE, emit: (_b, s, e) => (c.frames += e - s) });
    const random = rng(8);
    const payload = new Uint8Array(160);
    const pending: Array<{ chunk: number; ts: number; at: number }> = [];
    let number = 0;
    let lastTs = 0;
    for (let ts = 0; ts < 3_600_000; ts += 20) {
      const quiet = Math.floor(ts / 3000) % 3 === 1; // a third of the time the caller is silent: omitted (the hour ends speaking)
      if (!quiet) {
        pending.push({ chunk: ++number, ts, at: ts + 20 + random() * 30 });
        lastTs = ts;
      }
      const now = ts + 20;
      pending.sort((a, b) => a.at - b.at);
      while (pending.length > 0 && pending[0]!.at <= now) {
        const p = pending.shift()!;
        j.push(p.chunk, p.ts, payload, p.at);
      }
      j.poll(now);
    }
    for (const p of pending) j.push(p.chunk, p.ts, payload, p.at);
    j.drain();
    expect(j.stats).toMatchObject({ late: 0, lost: 0, trimmedFrames: 0 });
    expect(c.frames).toBe(lastTs * 8 + 160);
    expect(j.position).toBe(c.frames);
  });
});
