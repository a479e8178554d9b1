// The processor scenes rendered through an OfflineAudioContext in every engine and run in Node on
// the same input, quantum by quantum: capture (48 and 44.1 kHz, VAD on), playback (48 and 44.1
// kHz, deltas in random sizes, then an interruption), capture gated by the echo of the linked
// playback, and a whole session (connectRealtimeAudio: microphone in, a scripted response played,
// a barge-in truncating it). `digest` reduces a run to its golden: every event (audio as a
// SHA-256 and a frame count) and the rendered output as one SHA-256 per 100 ms. One golden per
// scene lives in fixtures/browser/golden/, written from the Node run by test/browser/goldens.test.ts
// (`npx vitest run test/browser/goldens.test.ts -u`): the claim the engines are held to is that
// they compute what Node computes, so the Node pipelines are the reference here.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CapturePipeline, EchoGate, PlaybackPipeline, RealtimeAudioAdapter } from '../../src/index.js';
import { REPO_ROOT } from './browser.js';
import { randomChunking } from './random.js';
import { replyScript } from './reply-script.js';
import { convolve, loadRoom } from './echo-sources.js';
import { readWav } from './wav-read.js';

export const QUANTUM = 128;
export const GOLDEN_DIR = join(REPO_ROOT, 'fixtures', 'browser', 'golden');

/** What a run produced: events in order (sent client events for the session) and the rendered output. */
export interface SceneRun {
  events: Record<string, unknown>[];
  /** The context's output (float32, base64), or '' for scenes with no output. */
  output: string;
  extra?: Record<string, unknown>;
  /** What a page saw that the golden does not hold (the quanta a capture processor took in), printed when a run differs. */
  seen?: Record<string, unknown>;
}

const sha = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex').slice(0, 24);
const f32base64 = (f: Float32Array) => Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('base64');

/** A run as its golden: audio replaced by hash and length, output hashed per 100 ms. */
export function digest(run: SceneRun, sampleRate: number): Record<string, unknown> {
  const events = run.events.map((event) => {
    const e: Record<string, unknown> = { ...event };
    for (const key of ['base64', 'audio', 'delta'] as const) {
      if (typeof e[key] === 'string') {
        e[key] = `${Buffer.from(e[key] as string, 'base64').length} bytes sha256:${sha(e[key] as string)}`;
      }
    }
    return e;
  });
  const output = new Float32Array(Buffer.from(run.output, 'base64').buffer.slice(0));
  const block = sampleRate / 10;
  const outputBlocks: string[] = [];
  for (let at = 0; at < output.length; at += block) {
    const part = output.subarray(at, at + block);
    let peak = 0;
    for (const v of part) peak = Math.max(peak, Math.abs(v));
    outputBlocks.push(`${part.length} frames peak ${peak.toFixed(4)} sha256:${sha(new Uint8Array(part.buffer, part.byteOffset, part.byteLength))}`);
  }
  return { events, outputBlocks, ...run.extra };
}

/** The fixture WAV's PCM16 samples (the session's voice). */
function pcm16Of(path: string): Int16Array {
  const samples = readWav(path).samples;
  return Int16Array.from(samples, (x) => Math.round(x * 32768));
}

export interface Scene {
  name: string;
  sampleRate: number;
  frames: number;
  /** What the page needs (JSON). */
  input(): Record<string, unknown>;
  /** The Node path: the same pipelines, fed and read in 128-frame quanta. */
  node(): SceneRun;
}

function speechAt(sampleRate: number): Float32Array {
  return readWav(join(REPO_ROOT, 'fixtures', 'browser', `speech-${sampleRate}.wav`)).samples;
}

function captureScene(sampleRate: number): Scene {
  // the source covers every quantum rendered (an input that ends mid-quantum would be inactive)
  const speech = speechAt(sampleRate);
  const frames = Math.ceil((speech.length + sampleRate / 10) / QUANTUM) * QUANTUM;
  const input = new Float32Array(frames);
  input.set(speech);
  const options = { chunkMs: 40, vad: true };
  return {
    name: `capture-${sampleRate}`,
    sampleRate,
    frames,
    input: () => ({ samples: f32base64(input), options }),
    node() {
      const pipeline = new CapturePipeline({ inputRate: sampleRate, ...options });
      const events: Record<string, unknown>[] = [];
      for (let i = 0; i < frames; i += QUANTUM) events.push(...(pipeline.push(input.subarray(i, i + QUANTUM)) as unknown as Record<string, unknown>[]));
      return { events, output: '' };
    },
  };
}

function replyDeltas(): string[] {
  const reply = pcm16Of(join(REPO_ROOT, 'demo', 'assets', 'reply-24000.wav'));
  const deltas: string[] = [];
  let at = 0;
  for (const n of randomChunking(reply.length, 5, 4000)) {
    deltas.push(Buffer.from(reply.buffer, reply.byteOffset + at * 2, n * 2).toString('base64'));
    at += n;
  }
  return deltas;
}

function playbackScene(sampleRate: number): Scene {
  const deltas = replyDeltas();
  const frames = 256 * QUANTUM; // the reply plays for 0.68 s; then (rendering done) it is interrupted
  return {
    name: `playback-${sampleRate}`,
    sampleRate,
    frames,
    input: () => ({ deltas }),
    node() {
      const pipeline = new PlaybackPipeline({ outputRate: sampleRate });
      for (const d of deltas) pipeline.pushDelta(d, 'item_1');
      pipeline.endItem('item_1');
      const output = new Float32Array(frames);
      for (let i = 0; i < frames; i += QUANTUM) pipeline.read(output.subarray(i, i + QUANTUM));
      const interruption = pipeline.interrupt() as unknown as Record<string, unknown>;
      return { events: [{ type: 'interruption', ...interruption }], output: f32base64(output) };
    },
  };
}

/**
 * Playback feeds the linked capture's echo gate; the mic hears the speaker 50 ms later at -12 dB.
 * The echo reaches the page as a buffer (the Node playback's output, delayed and scaled: the same
 * samples the playback scene proves every engine plays), and the playback node's output goes to
 * the capture node through a zero gain, so that every engine runs playback before capture in each
 * quantum, as Node does (a DelayNode in the graph renders differently in Firefox).
 */
function echoGateScene(): Scene {
  const sampleRate = 48000;
  const deltas = replyDeltas();
  const frames = 1000 * QUANTUM;
  const delayFrames = 2400;
  const echoGain = Math.fround(0.25);
  const run = () => {
    const gate = new EchoGate({ sampleRate });
    const capture = new CapturePipeline({ inputRate: sampleRate, chunkMs: 40, echoGate: gate });
    const playback = new PlaybackPipeline({ outputRate: sampleRate, echoGate: gate });
    for (const d of deltas) playback.pushDelta(d, 'item_1');
    playback.endItem('item_1');
    const played = new Float32Array(frames);
    const mic = new Float32Array(frames);
    const events: Record<string, unknown>[] = [];
    for (let at = 0; at < frames; at += QUANTUM) {
      // playback is upstream of capture in the graph, so it runs first in each quantum
      playback.read(played.subarray(at, at + QUANTUM));
      for (let i = at; i < at + QUANTUM; i++) mic[i] = i >= delayFrames ? Math.fround(played[i - delayFrames]! * echoGain) : 0;
      events.push(...(capture.push(mic.subarray(at, at + QUANTUM)) as unknown as Record<string, unknown>[]));
    }
    return { events, mic, played };
  };
  return {
    name: 'echo-gate-48000',
    sampleRate,
    frames,
    input: () => ({ deltas, mic: f32base64(run().mic), captureOptions: { echoGate: true, chunkMs: 40 } }),
    node() {
      const { events, played } = run();
      return { events, output: '', extra: { echoInEnergy: echoEnergy(played, delayFrames, echoGain, sampleRate) } };
    },
  };
}

/** What a PlaybackPipeline (or the adapter's) plays of `frames`, read in quanta. */
function playedBy(read: (output: Float32Array) => void, frames: number): Float32Array {
  const played = new Float32Array(frames);
  for (let at = 0; at < frames; at += QUANTUM) read(played.subarray(at, at + QUANTUM));
  return played;
}

/**
 * A microphone in the echo lab's desk room (test/helpers/echo-sources.ts): what was played, `delayS`
 * (40 ms) later, through the room's response at 12 dB echo return loss, and the user (the speech
 * fixture at half scale) from `userAtS` (Infinity: none). Made in Node, in float32, and given to the
 * page as a buffer.
 */
export function roomMic(played: Float32Array, sampleRate: number, userAtS: number, delayS = 0.04): { mic: Float32Array; echo: Float32Array } {
  const frames = played.length;
  const delay = Math.round(delayS * sampleRate);
  const delayed = new Float64Array(frames);
  delayed.set(played.subarray(0, frames - delay), delay);
  const wet = convolve(delayed, loadRoom('desk', sampleRate).echoA, frames);
  let playedEnergy = 0;
  let wetEnergy = 0;
  for (let i = 0; i < frames; i++) {
    playedEnergy += played[i]! * played[i]!;
    wetEnergy += wet[i]! * wet[i]!;
  }
  const gain = Math.sqrt(playedEnergy / wetEnergy) * 10 ** (-12 / 20);
  const echo = Float32Array.from(wet, (v) => v * gain);
  const user = speechAt(sampleRate);
  const at = Math.round(userAtS * sampleRate);
  const mic = Float32Array.from(echo, (v, i) => v + (i >= at && i - at < user.length ? 0.5 * user[i - at]! : 0));
  return { mic, echo };
}

/** The echo's energy at the mic over `[fromMs, toMs)` (at the scene's rate). */
function windowEnergy(echo: Float32Array, sampleRate: number, fromMs: number, toMs: number): number {
  let energy = 0;
  for (let i = Math.round((fromMs * sampleRate) / 1000); i < Math.round((toMs * sampleRate) / 1000); i++) energy += echo[i]! * echo[i]!;
  return Number(energy.toPrecision(6));
}

/**
 * The capture processor cancelling the echo of the linked playback processor's output: the reply
 * plays; the mic hears it in the lab's desk room, and the user talks over it from 1.6 s. The
 * graph is the echo gate scene's (playback ordered before capture through a zero gain).
 */
function echoCancellerScene(): Scene {
  const sampleRate = 48000;
  const deltas = replyDeltas();
  const frames = 1200 * QUANTUM; // 3.2 s
  const captureOptions = { echoCancellation: true, chunkMs: 40 };
  // a linked playback processor plays at the session rate and taps it (PlaybackPipeline's sessionReference)
  const playback = () => {
    const p = new PlaybackPipeline({ outputRate: sampleRate, sessionReference: { pushReference: () => {} } });
    for (const d of deltas) p.pushDelta(d, 'item_1');
    p.endItem('item_1');
    return p;
  };
  const first = playback();
  const { mic, echo } = roomMic(
    playedBy((o) => first.read(o), frames),
    sampleRate,
    1.6,
  );
  first.free();
  return {
    name: 'echo-canceller-48000',
    sampleRate,
    frames,
    input: () => ({ deltas, mic: f32base64(mic), captureOptions }),
    node() {
      // as the linked processors: the canceller (24 kHz output) takes the playback's 24 kHz tap
      const capture = new CapturePipeline({ inputRate: sampleRate, ...captureOptions, referenceRate: 24000 });
      const p = new PlaybackPipeline({ outputRate: sampleRate, sessionReference: capture });
      for (const d of deltas) p.pushDelta(d, 'item_1');
      p.endItem('item_1');
      const events: Record<string, unknown>[] = [];
      const played = new Float32Array(QUANTUM);
      for (let at = 0; at < frames; at += QUANTUM) {
        p.read(played); // playback first: its output is the reference of this quantum's mic
        events.push(...(capture.push(mic.subarray(at, at + QUANTUM)) as unknown as Record<string, unknown>[]));
      }
      capture.free();
      p.free();
      return { events, output: '', extra: { echoWindowMs: [1000, 1600], echoInEnergy: windowEnergy(echo, sampleRate, 1000, 1600) } };
    },
  };
}

/** Energy of the echo at the mic after the first 300 ms (the gate has learned the path by then). */
function echoEnergy(played: Float32Array, delayFrames: number, echoGain: number, sampleRate: number): number {
  let energy = 0;
  for (let i = Math.round(sampleRate * 0.3); i < played.length - delayFrames; i++) energy += (played[i]! * echoGain) ** 2;
  return Number(energy.toPrecision(6));
}

/**
 * The server's side of the session scenes, delivered before rendering starts (Firefox has no
 * OfflineAudioContext.suspend, so nothing can arrive mid-render in every engine): the demo's reply
 * as one response (reply-script.ts). In session-48000 the user's speech in the microphone fixture
 * (from 0.3 s) then barges in through the client VAD (`localBargeIn`), in the audio thread, at a
 * sample-exact point of the reply.
 */
export const sessionScript = replyScript;

function sessionScene(
  name: string,
  adapterOptions: Record<string, unknown>,
  micOf: (played: Float32Array) => { mic: Float32Array; echo?: Float32Array },
): Scene {
  const sampleRate = 48000;
  const frames = 600 * QUANTUM; // 1.6 s
  const script = sessionScript();
  const adapter = (events: Record<string, unknown>[]) => {
    const a = new RealtimeAudioAdapter({
      ...(adapterOptions as { protocol: 'openai' }),
      inputRate: sampleRate,
      outputRate: sampleRate,
      send: (event) => events.push({ dir: 'sent', ...(event as Record<string, unknown>) }),
      onEvent: (event) => events.push({ dir: 'local', ...asPosted(event as unknown as Record<string, unknown>) }),
    });
    for (const e of script) a.handleServerEvent(e);
    return a;
  };
  let made: { mic: Float32Array; echo?: Float32Array } | undefined;
  const mic = () => {
    if (made === undefined) {
      // what is played does not depend on the mic unless the mic barges in (then micOf ignores it)
      const dry = adapter([]);
      made = micOf(playedBy((o) => dry.readPlayback(o), frames));
      dry.free();
    }
    return made;
  };
  return {
    name,
    sampleRate,
    frames,
    input: () => ({ samples: f32base64(mic().mic), script, adapterOptions }),
    node() {
      const events: Record<string, unknown>[] = [];
      const a = adapter(events);
      const { mic: samples, echo } = mic();
      const output = new Float32Array(frames);
      for (let q = 0; q < frames / QUANTUM; q++) {
        a.readPlayback(output.subarray(q * QUANTUM, (q + 1) * QUANTUM));
        a.pushMicrophone(samples.subarray(q * QUANTUM, (q + 1) * QUANTUM));
      }
      const stats = a.stats as unknown as Record<string, unknown>;
      a.free();
      const extra: Record<string, unknown> = { playedSeconds: stats.playedSeconds, sentSeconds: stats.sentSeconds };
      if (echo !== undefined) Object.assign(extra, { echoWindowMs: [700, 1200], echoInEnergy: windowEnergy(echo, sampleRate, 700, 1200) });
      return { events, output: f32base64(output), extra };
    },
  };
}

/** An adapter event as the session processor posts it to the page (session-processor.ts). */
function asPosted(event: Record<string, unknown>): Record<string, unknown> {
  if (event.type === 'error') {
    const error = event.error as { code: string; message: string };
    return { type: 'error', code: error.code, message: error.message };
  }
  if (event.type === 'interrupted') return { ...event };
  return { type: event.type, timeMs: event.timeMs };
}

export const SCENES: Scene[] = [
  captureScene(48000),
  captureScene(44100),
  playbackScene(48000),
  playbackScene(44100),
  echoGateScene(),
  echoCancellerScene(),
  // the speech fixture from 0.3 s barges in through the client VAD (localBargeIn); no echo
  sessionScene('session-48000', { protocol: 'openai', vad: true, localBargeIn: true, echoCancellation: false }, () => ({
    mic: speechAt(48000)
      .subarray(0, 600 * QUANTUM)
      .slice(),
  })),
  // the session's echo canceller (on by default in the browser) on the reply played back into the
  // lab's desk room, the user over it from 1.2 s (no local barge-in: what plays does not depend on the mic)
  sessionScene('session-echo-48000', { protocol: 'openai', vad: true, echoCancellation: true }, (played) => roomMic(played, 48000, 1.2)),
];

export function goldenOf(scene: Scene): Record<string, unknown> {
  return JSON.parse(readFileSync(join(GOLDEN_DIR, `${scene.name}.json`), 'utf8'));
}
