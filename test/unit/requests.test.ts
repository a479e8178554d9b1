// Every request to an AudioWorklet processor or a pool worker settles (issue 14.6): it resolves
// with its answer, rejects with the error it met (each request is failed here on purpose), and
// rejects when the other side is closed, fails or does not answer in time. One protocol for both
// (src/requests.ts): requests carry an `id`, answers are `{ id, result }` or `{ id, error }`.
// The worklet factories run in Node against the real processors over a real MessageChannel
// (test/helpers/worklet-stub.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { createCaptureNode } from '../../src/browser/capture-node.js';
import { createPlaybackNode } from '../../src/browser/playback-node.js';
import { connectRealtimeAudio } from '../../src/browser/session-node.js';
import { PcmWorkerPool } from '../../src/node/index.js';
import { OptionsError, RealtimePcmError } from '../../src/index.js';
import { PendingRequests, answer } from '../../src/requests.js';
import { stubContext, useStubWorklet } from '../helpers/worklet-stub.js';

const ON_PURPOSE = () => {
  throw new RealtimePcmError('on_purpose', 'failed on purpose');
};

/** The code a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RealtimePcmError);
    return (error as RealtimePcmError).code;
  }
  throw new Error('the request resolved');
}

describe('PendingRequests', () => {
  it('settles each request once: its result, its error (rebuilt with its class), a failure of the other side, or the timeout', async () => {
    const pending = new PendingRequests(50);
    const a = pending.open<number>('a');
    const b = pending.open<number>('b');
    const c = pending.open<number>('c');
    expect(pending.settle(answer(a.id, () => 42))).toBe(true);
    expect(pending.settle(answer(a.id, () => 43))).toBe(false); // answered already
    expect(pending.settle(answer(b.id, () => new OptionsError('bad') as never))).toBe(true);
    expect(pending.settle({ id: c.id, error: { code: 'invalid_options', message: 'bad option' } })).toBe(true);
    expect(pending.settle({ type: 'level', id: 'x' })).toBe(false); // a notification
    expect(await a.promise).toBe(42);
    await expect(c.promise).rejects.toBeInstanceOf(OptionsError);
    const late = pending.open('late');
    expect(await rejection(late.promise)).toBe('request_timeout');
    const d = pending.open('d');
    pending.failAll(new RealtimePcmError('closed', 'gone'));
    expect(await rejection(d.promise)).toBe('closed');
    expect(await rejection(pending.open('after').promise)).toBe('closed');
    expect(pending.size).toBe(0);
  });
});

describe('worklet requests (factories and processors over a MessageChannel)', () => {
  const nodes = useStubWorklet();

  it('capture: flush and stats resolve, and reject with the error when the pipeline fails on purpose', async () => {
    const capture = await createCaptureNode(stubContext(), { chunkMs: 20 });
    expect(await capture.flush()).toEqual([]);
    expect((await capture.getStats()).kernelMemoryBytes).toBeGreaterThan(0);
    const processor = nodes[0]!.processor;
    processor.pipeline.flush = ON_PURPOSE;
    expect(await rejection(capture.flush())).toBe('on_purpose'); // main: the promise never settled
    Object.defineProperty(processor.pipeline, 'stats', { get: ON_PURPOSE });
    expect(await rejection(capture.getStats())).toBe('on_purpose');
    capture.close();
    expect(await rejection(capture.flush())).toBe('freed');
    expect(() => capture.pause(true)).toThrow(RealtimePcmError);
  });

  it('playback: interrupt and stats resolve, and reject with the error when the pipeline fails on purpose', async () => {
    const playback = await createPlaybackNode(stubContext());
    expect((await playback.interrupt()).itemId).toBeNull();
    const processor = nodes[0]!.processor;
    processor.pipeline.interrupt = ON_PURPOSE;
    expect(await rejection(playback.interrupt())).toBe('on_purpose');
    Object.defineProperty(processor.pipeline, 'stats', { get: ON_PURPOSE });
    expect(await rejection(playback.getStats())).toBe('on_purpose');
    playback.close();
    expect(await rejection(playback.interrupt())).toBe('freed');
  });

  it('session: interrupt, commit, flush, sessionUpdate and stats resolve, and each rejects when it fails on purpose', async () => {
    const sent: unknown[] = [];
    const session = await connectRealtimeAudio({ context: stubContext(), protocol: 'openai', send: (e) => sent.push(e) });
    expect(await session.interrupt()).toBeNull();
    expect(await session.commit()).toBe(false);
    await session.flush();
    expect((await session.sessionUpdate({ turnDetection: 'none' })).type).toBe('session.update');
    expect((await session.getStats()).chunksSent).toBe(0);
    const adapter = nodes[0]!.processor.adapter;
    for (const method of ['interrupt', 'commit', 'flush', 'sessionUpdate']) adapter[method] = ON_PURPOSE;
    Object.defineProperty(adapter, 'stats', { get: ON_PURPOSE });
    expect(await rejection(session.interrupt())).toBe('on_purpose');
    expect(await rejection(session.commit())).toBe('on_purpose');
    expect(await rejection(session.flush())).toBe('on_purpose');
    expect(await rejection(session.sessionUpdate())).toBe('on_purpose');
    expect(await rejection(session.getStats())).toBe('on_purpose');
    session.close();
    expect(() => session.handleServerEvent('{"type":"response.done"}')).not.toThrow(); // late messages are ignored
    expect(await rejection(session.getStats())).toBe('freed');
  });

  it('Gemini sessionUpdate rejects with the OptionsError (main: resolved null, the error only as an event)', async () => {
    const session = await connectRealtimeAudio({ context: stubContext(), protocol: 'gemini', send: () => {} });
    await expect(session.sessionUpdate()).rejects.toBeInstanceOf(OptionsError);
    session.close();
  });

  it('a processor that fails, or does not answer in time, rejects the waiting requests', async () => {
    const capture = await createCaptureNode(stubContext(), { requestTimeoutMs: 100 });
    const node = nodes[0]!;
    node.processor.port.onmessage = null; // the processor stops listening: nothing will answer
    expect(await rejection(capture.getStats())).toBe('request_timeout');
    const waiting = capture.flush();
    node.dispatchEvent(new Event('processorerror'));
    expect(await rejection(waiting)).toBe('processor_error');
    capture.close();
  });

  it('referenceRate without echoCancellation is refused (it is the rate the canceller takes the linked playback at)', async () => {
    await expect(createCaptureNode(stubContext(), { referenceRate: 24000, linkId: 'call' })).rejects.toThrow(/referenceRate .* pass echoCancellation too/);
  });

  it('close frees the processor’s kernel memory in its scope; the processor ends (process() returns false)', async () => {
    const playback = await createPlaybackNode(stubContext());
    const before = await playback.getStats();
    const capture = await createCaptureNode(stubContext(), { vad: true, echoGate: true, linkId: 'call' });
    const during = await capture.getStats();
    expect(during.kernelLiveBytes).toBeGreaterThan(before.kernelLiveBytes);
    capture.close();
    await new Promise((resolve) => setTimeout(resolve, 20)); // the close notification crosses the port
    expect(nodes[1]!.processor.process([[new Float32Array(128)]], [])).toBe(false);
    expect((await playback.getStats()).kernelLiveBytes).toBe(before.kernelLiveBytes);
    expect(nodes[0]!.processor.process([], [[new Float32Array(128)]])).toBe(true); // playback goes on, its echo link cut
    playback.close();
  });
});

describe('worker pool requests', () => {
  const pool = new PcmWorkerPool({ workers: 1, requestTimeoutMs: 5000 });
  afterAll(() => pool.close());

  it('each request rejects with the error it met in the worker; requests made before close are still answered', async () => {
    const home = (pool as any).workers[0];
    for (const op of ['flush', 'interrupt', 'read', 'reset']) {
      const message = op === 'read' ? { op, stream: 999, output: new Float32Array(8) } : { op, stream: 999 };
      if (op === 'reset') continue; // a notification: its error goes to the stream's onError
      expect(await rejection(pool.request(home, message as never))).toBe('no_stream'); // main: TypeError text
    }
    const capture = await pool.createCapture({ inputRate: 48000 });
    capture.push(new Float32Array(960));
    const flushed = capture.flush();
    capture.close(); // after the flush request: the flush is answered first
    expect((await flushed).length).toBe(1);
    expect(await rejection(capture.flush())).toBe('freed');
  });

  it('a worker that dies rejects every request waiting on it', async () => {
    const lone = new PcmWorkerPool({ workers: 1 });
    const playback = await lone.createPlayback({ outputRate: 48000 });
    const home = (lone as any).workers[0];
    const reading = playback.read(new Float32Array(128));
    await home.worker.terminate();
    const code = await rejection(reading).catch(() => 'resolved');
    // the read may have been answered before the worker went; a request after it cannot be
    expect(['worker_failed', 'resolved']).toContain(code);
    expect(await rejection(playback.interrupt())).toBe('worker_failed');
    await lone.close();
  });

  // 5,000 cycles (about 2 s); LONG=1: 100,000 (about 40 s)
  const cycles = process.env.LONG === '1' ? 100_000 : 5_000;
  it(`closing a stream frees its pipeline in the worker: kernel memory exactly flat over ${cycles} create/use/close cycles`, async () => {
    const cycle = async () => {
      const capture = await pool.createCapture({ inputRate: 48000, vad: true });
      capture.push(new Float32Array(960));
      await capture.flush();
      capture.close();
      const playback = await pool.createPlayback({ outputRate: 48000, maxPlaybackMs: 100 });
      playback.pushPcm16(new Int16Array(480), 'item');
      await playback.read(new Float32Array(128));
      playback.close();
    };
    for (let i = 0; i < 200; i++) await cycle();
    const [before] = await pool.kernelMemory();
    for (let i = 0; i < cycles; i++) await cycle();
    const [after] = await pool.kernelMemory();
    console.log(
      `worker: ${cycles} capture + ${cycles} playback streams; kernel memory ${before!.memoryBytes / 1048576} -> ${after!.memoryBytes / 1048576} MiB, live ${before!.liveBytes} -> ${after!.liveBytes} bytes`,
    );
    expect(after!.memoryBytes).toBe(before!.memoryBytes);
    expect(after!.liveBytes).toBe(before!.liveBytes);
  }, 600_000);
});
