// Soak: 60 simulated minutes of a conversation through the RealtimeAudioAdapter against the local
// OpenAI GA test server over a real WebSocket, as fast as the machine goes. The microphone (48 kHz)
// hears the user in bursts plus the assistant's echo, through the echo gate and the VAD, sent in
// 100 ms chunks; the assistant answers every 6 s with 4 s of audio in 200 ms deltas and is
// interrupted every other answer (speech_started mid-item: flush, truncate, late deltas dropped).
// Checked:
// - heap after warm-up grows <= 1 MiB (forced GC; the server's own logs are emptied as it goes);
// - stream times come from sample counts and do not drift: every chunk starts where the last
//   ended, and after an hour the frames sent equal the input frames / 2 within the filter delay;
// - every chunk is accounted for: each append the server validated is one the adapter counted,
//   byte for byte; each delta the server sent was received or counted late; every truncate was
//   within the item's audio (the server checks) and no event broke the protocol.
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { CaptureEvent } from '../../src/pipeline/capture.js';
import { RealtimeTestServer, type ServerConnection } from '../helpers/realtime-server.js';
import { EventLog, openaiClient, tonePcm } from '../helpers/transport-client.js';
import { rng } from '../helpers/random.js';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 60); // shorter runs while debugging only
const RATE = 48000;
const QUANTUM = 128;
const SESSION_RATE = 24000;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/** Resolves once `predicate` holds, polling on the event loop (no 1 ms timers: this runs 3,600 times). */
async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

let server: RealtimeTestServer | undefined;
let socket: WebSocket | undefined;
afterAll(async () => {
  socket?.close();
  await server?.close();
});

describe('soak', () => {
  it(`${MINUTES} simulated minutes: flat heap, no drift, every chunk accounted for`, async () => {
    server = await RealtimeTestServer.start({ protocol: 'openai' });
    const log = new EventLog();
    const client = await openaiClient(server, {
      inputRate: RATE,
      outputRate: RATE,
      chunkMs: 100,
      vad: true,
      echoGate: true,
      onEvent: (e) => (e.type === 'speech_start' || e.type === 'speech_stop' ? undefined : log.push(e)),
    });
    const { adapter, conn, handled } = client;
    socket = client.socket;
    await until(() => handled() === conn.sent, 'session.created');

    // one second of the user's voice-like signal (a gliding tone) and one of room noise, reused
    const next = rng(77);
    const noise = new Float32Array(RATE).map(() => (next() - 0.5) * 0.002);
    const voice = new Float32Array(RATE).map((_, i) => 0.25 * Math.sin(2 * Math.PI * (180 + 60 * Math.sin(i / 9000)) * (i / RATE)) + noise[i]!);
    const answer = tonePcm(SESSION_RATE * 4, SESSION_RATE, 330, 9000); // the assistant: 4 s
    const mic = new Float32Array(QUANTUM);
    const speaker = new Float32Array(QUANTUM);

    // accounting
    let lastEnd = 0;
    let audioFrames = 0;
    let audioEvents = 0;
    let appendsSeen = 0;
    let appendBytesSeen = 0;
    let deltaFramesSent = 0;
    let warmHeap = 0;
    const check = (events: CaptureEvent[]) => {
      for (const e of events) {
        if (e.type !== 'audio') continue;
        if (e.startFrame !== lastEnd || e.startMs !== (e.startFrame * 1000) / SESSION_RATE)
          throw new Error(`chunk at ${e.startFrame} (${e.startMs} ms) after ${lastEnd}`);
        lastEnd = e.startFrame + e.frames;
        audioFrames += e.frames;
        audioEvents++;
      }
    };
    // empties the server's logs (they would grow with the session) after tallying them
    const drainServer = async () => {
      await until(() => appendBytesSeen + bytesIn(conn) === audioFrames * 2 - droppedBytes(), 'the server to receive every append');
      expect(conn.violations).toEqual([]);
      appendBytesSeen += bytesIn(conn);
      appendsSeen += conn.received.filter((e) => e.type === 'input_audio_buffer.append').length;
      conn.received.length = 0;
      (conn as unknown as { appended: Buffer[] }).appended.length = 0;
    };
    const bytesIn = (c: ServerConnection) => (c as unknown as { appended: Buffer[] }).appended.reduce((n, b) => n + b.length, 0);
    const droppedBytes = () => Math.round(adapter.stats.droppedSeconds * SESSION_RATE) * 2;

    let itemId = '';
    let responseId = '';
    for (let s = 0; s < MINUTES * 60; s++) {
      // the server's side of this second
      const phase = s % 6;
      if (phase === 0) {
        responseId = conn.startResponse();
        itemId = conn.addItem(responseId);
      }
      if (phase < 4) {
        conn.audio(itemId, answer.subarray(phase * SESSION_RATE, (phase + 1) * SESSION_RATE), 4800);
        deltaFramesSent += SESSION_RATE;
      }
      if (phase === 2 && s % 12 === 2) conn.speechStarted(s * 1000); // the user barges in; the rest of the item arrives late
      if (phase === 4) {
        conn.audioDone(itemId);
        conn.endResponse(responseId);
      }
      await until(() => handled() === conn.sent, 'the client to handle the server messages');
      // the client's audio callback for this second: speaker out, microphone in (echo + user)
      const userTalks = s % 12 === 2 || s % 12 === 3 || s % 12 === 9;
      const source = userTalks ? voice : noise;
      for (let at = 0; at + QUANTUM <= RATE; at += QUANTUM) {
        adapter.readPlayback(speaker);
        for (let i = 0; i < QUANTUM; i++) mic[i] = source[at + i]! + 0.3 * speaker[i]!;
        check(adapter.pushMicrophone(mic));
      }
      if (s % 60 === 59) await drainServer();
      if (s === 2 * 60 - 1) warmHeap = heapUsed();
    }
    await drainServer();
    const endHeap = heapUsed();
    const stats = adapter.stats;
    const growth = endHeap - warmHeap;
    const inputFrames = MINUTES * 60 * 375 * QUANTUM; // 375 quanta of 128 frames per second
    const lagFrames = inputFrames / 2 - (audioFrames + adapter.capture.pendingFrames);
    console.log(
      `soak: ${MINUTES} min, heap after warm-up ${(warmHeap / 1048576).toFixed(1)} MiB, growth ${(growth / 1024).toFixed(0)} KiB, output behind input by ${lagFrames} frames; ${JSON.stringify({ ...stats, errorsByCode: undefined })}`,
    );

    // heap
    expect(growth).toBeLessThanOrEqual(1024 * 1024);
    // no drift: after an hour the output is behind the input by the filter delay only (<= 3 ms)
    expect(Math.abs(lagFrames)).toBeLessThanOrEqual(72);
    expect(lastEnd).toBe(audioFrames);
    // every chunk accounted for: nothing dropped on loopback, each append validated and counted
    expect(stats.chunksDropped).toBe(0);
    expect(stats.chunksSent).toBe(audioEvents);
    expect(appendsSeen).toBe(audioEvents);
    expect(appendBytesSeen).toBe(audioFrames * 2);
    expect(Math.round(stats.sentSeconds * SESSION_RATE)).toBe(audioFrames);
    // every delta received or counted late (interrupted responses), frame for frame
    expect(Math.round((stats.receivedSeconds + stats.lateSeconds) * SESSION_RATE)).toBe(deltaFramesSent);
    expect(stats.interruptions).toBe((MINUTES * 60) / 12);
    expect(stats.truncatesSent).toBe(stats.interruptions);
    expect(log.errorCodes()).toEqual([]);
    expect(conn.violations).toEqual([]);
    // and what was received was played, flushed by the barge-ins, or is still buffered
    const device = stats.playedSeconds + stats.flushedSeconds + adapter.playback.bufferedMs / 1000;
    expect(Math.abs(device - stats.receivedSeconds)).toBeLessThan(0.005 * stats.interruptions + 0.1);
  }, 180_000);
});
