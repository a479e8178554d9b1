// Backpressure: a consumer slower than the microphone. The adapter's documented policy
// (RealtimeAudioAdapter `maxSendBufferMs`, default 2000): while the socket has more than that much
// audio queued (`bufferedAmount`, in base64 JSON bytes), each new chunk is dropped whole, never
// queued, and counted in `chunksDropped` / `droppedSeconds`; chunks resume as soon as it drains.
// So the queue stays bounded, the capture side holds at most one partial chunk, and what reaches
// the server is whole, valid chunks. Checked with a scripted slow socket (exact policy, 10
// simulated minutes, heap flat) and with a real `ws` socket to a server that stops reading.
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RealtimeAudioAdapter } from '../../src/transport/adapter.js';
import { RealtimeTestServer } from '../helpers/realtime-server.js';
import { micSignal } from '../helpers/transport-client.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** A socket whose consumer takes `bytesPerSecond` of simulated time; `drain(ms)` advances it. */
class SlowSocket {
  readyState = 1;
  bufferedAmount = 0;
  /** Highest bufferedAmount seen right after a send. */
  peak = 0;
  sends = 0;
  constructor(private readonly bytesPerSecond: number) {}
  send(text: string): void {
    this.bufferedAmount += text.length; // ASCII JSON: one byte per character
    this.peak = Math.max(this.peak, this.bufferedAmount);
    this.sends++;
  }
  drain(ms: number): void {
    this.bufferedAmount = Math.max(0, this.bufferedAmount - (this.bytesPerSecond * ms) / 1000);
  }
}

describe('backpressure from a slow consumer', () => {
  it('drops whole chunks by the maxSendBufferMs policy, counts every one, keeps the queue and the heap bounded', () => {
    const rate = 48000;
    const chunkMs = 40;
    const maxSendBufferMs = 500;
    // the consumer takes half the audio's base64 rate: 24 kHz PCM16 = 48 kB/s raw, 64 kB/s base64
    const socket = new SlowSocket(32000);
    const adapter = new RealtimeAudioAdapter({ protocol: 'openai', send: socket, inputRate: rate, outputRate: rate, chunkMs, maxSendBufferMs });
    const boundBytes = Math.ceil((maxSendBufferMs * 24000 * 2 * 4) / 3 / 1000);
    const quantum = micSignal(128, rate);
    let produced = 0;
    let producedFrames = 0;
    let expectedDrops = 0;
    let warmHeap = 0;
    const quantaPerSecond = rate / 128;
    for (let s = 0; s < 600; s++) {
      for (let q = 0; q < quantaPerSecond; q++) {
        // a chunk completed now goes out only if the queue is not over the bound at this moment
        const over = socket.bufferedAmount > boundBytes;
        const events = adapter.pushMicrophone(quantum);
        for (const e of events) {
          if (e.type !== 'audio') continue;
          produced++;
          producedFrames += e.frames;
          if (over) expectedDrops++;
        }
        socket.drain((128 * 1000) / rate);
      }
      if (s === 60) {
        gc();
        warmHeap = process.memoryUsage().heapUsed;
      }
      expect(adapter.capture.pendingFrames).toBeLessThan(adapter.capture.chunkFrames);
    }
    gc();
    const growth = process.memoryUsage().heapUsed - warmHeap;
    const stats = adapter.stats;
    // the policy, exactly: every chunk produced while the queue was over the bound, and only those
    expect(stats.chunksDropped).toBe(expectedDrops);
    expect(stats.chunksSent + stats.chunksDropped).toBe(produced);
    expect(socket.sends).toBe(stats.chunksSent);
    expect(Math.round((stats.sentSeconds + stats.droppedSeconds) * 24000)).toBe(producedFrames);
    // the consumer takes half: about half the audio is dropped, none is queued beyond the bound
    expect(stats.droppedSeconds / (stats.sentSeconds + stats.droppedSeconds)).toBeGreaterThan(0.45);
    expect(stats.droppedSeconds / (stats.sentSeconds + stats.droppedSeconds)).toBeLessThan(0.55);
    const oneChunkBytes = (chunkMs * 48 * 4) / 3 + 100; // base64 of one chunk, plus its JSON
    expect(socket.peak).toBeLessThanOrEqual(boundBytes + oneChunkBytes);
    expect(growth).toBeLessThan(256 * 1024);
  });

  it('a real ws socket to a server that stops reading: bufferedAmount stays bounded, drops are counted, the server gets whole valid chunks', async () => {
    const server = await RealtimeTestServer.start({ protocol: 'openai' });
    const socket = new WebSocket(`${server.url}/v1/realtime`);
    try {
      await new Promise((resolve) => socket.once('open', resolve));
      const conn = await server.connection();
      const raw = (conn.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      raw.pause(); // the server stops reading: the kernel buffers fill, then ws queues
      const adapter = new RealtimeAudioAdapter({ protocol: 'openai', send: socket, inputRate: 24000, outputRate: 24000, chunkMs: 100 });
      const second = micSignal(24000, 24000, 3);
      const boundBytes = Math.ceil((2000 * 24000 * 2 * 4) / 3 / 1000); // the default 2000 ms
      let peak = 0;
      let produced = 0;
      // up to 20 minutes of audio, pushed at once (faster than any network): enough to fill the
      // loopback buffers (a few MB) and then the bound
      for (let s = 0; s < 1200 && adapter.stats.chunksDropped < 100; s++) {
        produced += adapter.pushMicrophone(second).filter((e) => e.type === 'audio').length;
        peak = Math.max(peak, socket.bufferedAmount);
        if (s % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      const stats = adapter.stats;
      expect(stats.chunksDropped).toBeGreaterThanOrEqual(100);
      expect(stats.chunksSent + stats.chunksDropped).toBe(produced);
      expect(peak).toBeLessThanOrEqual(boundBytes + 7000); // one 100 ms chunk is 6400 base64 bytes plus JSON
      raw.resume();
      await conn.waitFor(() => conn.eventsOf('input_audio_buffer.append').length === stats.chunksSent, 20_000, 'the queued chunks');
      expect(conn.violations).toEqual([]);
      expect(conn.inputAudio().length).toBe(Math.round(stats.sentSeconds * 24000) * 2);
      // sending resumes after the drain
      const more = adapter.pushMicrophone(second).filter((e) => e.type === 'audio').length;
      expect(more).toBeGreaterThan(8);
      expect(adapter.stats.chunksSent).toBe(stats.chunksSent + more);
      expect(adapter.stats.chunksDropped).toBe(stats.chunksDropped);
    } finally {
      socket.close();
      await server.close();
    }
  });
});
