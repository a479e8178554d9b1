// The pipelines in worker_threads (PcmWorkerPool) give exactly what they give in-thread, with
// transferred buffers and a bounded, counted queue.
import { afterAll, describe, expect, it } from 'vitest';
import { PcmWorkerPool } from '../../src/node/index.js';
import { CapturePipeline, type CaptureEvent } from '../../src/pipeline/capture.js';
import { PlaybackPipeline } from '../../src/pipeline/playback.js';
import { encodeBase64, OptionsError, RealtimePcmError } from '../../src/index.js';
import { speech48k, speechPcm24k } from '../helpers/speech-fixture.js';
import { randomChunking } from '../helpers/random.js';
import { EXACT_PLAYOUT } from '../helpers/playout.js';

const speech = speech48k();

describe('PcmWorkerPool', () => {
  const pool = new PcmWorkerPool({ workers: 2 });
  afterAll(() => pool.close());

  it('capture in a worker equals the in-thread pipeline (20 ms blocks, VAD on)', async () => {
    const options = { inputRate: 48000, outputRate: 24000, chunkMs: 40, vad: true };
    const local = new CapturePipeline(options);
    const expected: CaptureEvent[] = [];
    for (let at = 0; at < speech.length; at += 960) expected.push(...local.push(speech.subarray(at, at + 960)));
    expected.push(...local.flush());

    const actual: CaptureEvent[] = [];
    const stream = await pool.createCapture({ ...options, maxQueueMs: 60_000, onEvents: (events) => actual.push(...events) });
    for (let at = 0; at < speech.length; at += 960) {
      const block = speech.slice(at, at + 960); // owned: transferred
      expect(stream.push(block)).toBe(true);
      expect(block.length).toBe(0); // detached: it was moved, not copied
    }
    await stream.drain();
    actual.push(...(await stream.flush()));
    expect(stream.stats.droppedPushes).toBe(0);
    expect(actual).toEqual(expected);
    expect(actual.some((e) => e.type === 'speech_start')).toBe(true);
    stream.close();
  });

  it('capture with echoCancellation in a worker equals the in-thread pipeline (mic and reference pushed together, 128-frame quanta)', async () => {
    // the speech fixture plays; the mic hears it 50 ms later at -12 dB (a simple path: the equality is the point)
    const frames = Math.floor(speech.length / 128) * 128;
    const played = speech.subarray(0, frames);
    const mic = Float32Array.from(played, (_, i) => (i >= 2400 ? 0.25 * played[i - 2400]! : 0));
    const options = { inputRate: 48000, outputRate: 24000, chunkMs: 40, vad: true, echoCancellation: true };
    const local = new CapturePipeline(options);
    const expected: CaptureEvent[] = [];
    for (let at = 0; at < frames; at += 128) {
      local.pushReference(played.subarray(at, at + 128));
      expected.push(...local.push(mic.subarray(at, at + 128)));
    }
    expected.push(...local.flush());
    local.free();

    const actual: CaptureEvent[] = [];
    const stream = await pool.createCapture({ ...options, maxQueueMs: 60_000, onEvents: (events) => actual.push(...events) });
    for (let at = 0; at < frames; at += 128) expect(stream.push(mic.slice(at, at + 128), played.slice(at, at + 128))).toBe(true);
    await stream.drain();
    actual.push(...(await stream.flush()));
    expect(actual).toEqual(expected);
    expect(actual.filter((e) => e.type === 'audio').length).toBeGreaterThan(10);
    stream.close();
  });

  // the session-rate tap across workers: a playback stream with `sessionReference: true` returns
  // what it played at 24 kHz with each read; a capture stream at `referenceRate: 24000` fed it
  // with the mic gives exactly the in-thread pipelines' events (the tap, then the mic, each quantum)
  it.each([48000, 44100])(
    'playback with sessionReference in a worker hands back the 24 kHz tap with each read; a capture stream fed it equals the in-thread pair (%d Hz)',
    async (rate) => {
      const session = speechPcm24k().subarray(0, 24000 * 2);
      const quanta = Math.floor((2.2 * rate) / 128);
      const options = { inputRate: rate, outputRate: 24000, chunkMs: 40, vad: true, echoCancellation: true, referenceRate: 24000 };
      // in thread: the playback's tap straight into the capture; the speaker's output delayed 50 ms at -12 dB is the mic
      const local = new CapturePipeline(options);
      const localPlayback = new PlaybackPipeline({ outputRate: rate, ...EXACT_PLAYOUT, sessionReference: local });
      localPlayback.pushPcm16(session.slice(), 'a');
      localPlayback.endItem('a');
      const delay = Math.round(0.05 * rate);
      const speaker = new Float32Array(quanta * 128);
      const mic = new Float32Array(quanta * 128);
      const expected: CaptureEvent[] = [];
      for (let q = 0; q < quanta; q++) {
        localPlayback.read(speaker.subarray(q * 128, (q + 1) * 128));
        for (let i = q * 128; i < (q + 1) * 128; i++) mic[i] = i >= delay ? 0.25 * speaker[i - delay]! : 0;
        expected.push(...local.push(mic.subarray(q * 128, (q + 1) * 128)));
      }
      expected.push(...local.flush());
      local.free();
      localPlayback.free();

      const playback = await pool.createPlayback({ outputRate: rate, ...EXACT_PLAYOUT, sessionReference: true });
      playback.pushPcm16(session.slice(), 'a');
      playback.endItem('a');
      const actual: CaptureEvent[] = [];
      const capture = await pool.createCapture({ ...options, maxQueueMs: 60_000, onEvents: (events) => actual.push(...events) });
      let tapFrames = 0;
      for (let q = 0; q < quanta; q++) {
        const read = await playback.read(new Float32Array(128), new Float32Array(Math.ceil((128 * 24000) / rate) + 256));
        expect(read.output).toEqual(speaker.subarray(q * 128, (q + 1) * 128));
        tapFrames += read.referenceFrames;
        expect(capture.push(mic.slice(q * 128, (q + 1) * 128), read.reference!.slice(0, read.referenceFrames))).toBe(true);
      }
      await capture.drain();
      actual.push(...(await capture.flush()));
      expect(tapFrames).toBeGreaterThanOrEqual(Math.floor((quanta * 128 * 24000) / rate));
      expect(actual).toEqual(expected);
      expect(actual.filter((e) => e.type === 'audio').length).toBeGreaterThan(20);
      // and the echo is cancelled: 1.0-1.9 s of the session audio carries >= 20 dB less than the mic
      const sent = actual.flatMap((e) => (e.type === 'audio' ? Array.from(new Int16Array(Uint8Array.from(Buffer.from(e.base64, 'base64')).buffer)) : []));
      const outEnergy = sent.slice(24000, 24000 * 1.9).reduce((sum, v) => sum + (v / 32768) ** 2, 0);
      const micEnergy = mic.subarray(rate, rate * 1.9).reduce((sum, v) => sum + v * v, 0) * (24000 / rate);
      const db = 10 * Math.log10(micEnergy / outEnergy);
      console.log(`worker pool, the tap at ${rate} Hz: ${db.toFixed(1)} dB less echo at 1.0-1.9 s`);
      expect(db).toBeGreaterThan(20);
      // a read without a reference array gets none; a reference array too small is a typed error
      const none = await playback.read(new Float32Array(128));
      expect(none.referenceFrames).toBe(0);
      await expect(playback.read(new Float32Array(1024), new Float32Array(8))).rejects.toThrow(/reference array holds 8 frames/);
      await expect(pool.createPlayback({ outputRate: rate, sessionReference: 'yes' as never })).rejects.toBeInstanceOf(OptionsError);
      playback.close();
      capture.close();
    },
  );

  it('playback in a worker equals the in-thread pipeline, and interrupt reports the same', async () => {
    const session = speechPcm24k();
    const deltas: string[] = [];
    let at = 0;
    for (const n of randomChunking(session.length, 9, 5000)) {
      const part = session.subarray(at, at + n);
      deltas.push(encodeBase64(new Uint8Array(part.buffer, part.byteOffset, part.byteLength)));
      at += n;
    }
    const local = new PlaybackPipeline({ outputRate: 44100 });
    const stream = await pool.createPlayback({ outputRate: 44100 });
    for (const d of deltas) {
      local.pushDelta(d, 'item');
      stream.pushDelta(d, 'item');
    }
    local.endItem('item');
    stream.endItem('item');
    for (let i = 0; i < 200; i++) {
      const expected = new Float32Array(441);
      const expectedFrames = local.read(expected);
      const { output, frames } = await stream.read(new Float32Array(441));
      expect(frames).toBe(expectedFrames);
      expect(Array.from(output)).toEqual(Array.from(expected));
    }
    expect(await stream.interrupt()).toEqual(local.interrupt());
    stream.close();
  });

  it('drops pushes beyond the queue bound and counts them, never queueing more', async () => {
    const stream = await pool.createCapture({ inputRate: 48000, maxQueueMs: 100 });
    let accepted = 0;
    for (let i = 0; i < 200; i++) if (stream.push(new Float32Array(960))) accepted++; // 4 s pushed at once
    expect(stream.stats.inFlightFrames).toBeLessThanOrEqual(4800); // 100 ms at 48 kHz
    expect(stream.stats.droppedPushes).toBe(200 - accepted);
    expect(stream.stats.droppedFrames).toBe((200 - accepted) * 960);
    expect(accepted).toBeGreaterThan(0);
    await stream.drain();
    expect(stream.stats.inFlightFrames).toBe(0);
    expect(stream.push(new Float32Array(960))).toBe(true); // room again once processed
    stream.close();
  });

  it('reports bad input from the network as an error and keeps the stream going', async () => {
    const errors: { code: string }[] = [];
    const stream = await pool.createPlayback({ outputRate: 48000, onError: (e) => errors.push(e), ...EXACT_PLAYOUT }); // plays from the first read
    stream.pushDelta('bad base64!', 'item');
    stream.pushDelta(encodeBase64(new Uint8Array(4800)), 'item');
    const { frames } = await stream.read(new Float32Array(480));
    expect(errors.map((e) => e.code)).toEqual(['invalid_base64']);
    expect(frames).toBe(480);
    stream.close();
  });

  it('rejects bad options with typed errors', async () => {
    expect(() => new PcmWorkerPool({ workers: 0 })).toThrow(/workers must be/);
    await expect(pool.createCapture({ inputRate: 12345 })).rejects.toBeInstanceOf(RealtimePcmError);
    // option errors made in the worker arrive as OptionsError, the class the pipelines throw
    await expect(pool.createCapture({ inputRate: 12345 })).rejects.toBeInstanceOf(OptionsError);
    await expect(pool.createPlayback({ outputRate: 48000, maxBufferedMs: 1000 } as never)).rejects.toThrow(/maxBufferedMs is now called maxPlaybackMs/);
  });
});
