// A browser's own echo canceller on a lab scene (issue 13), for real: the scene's mic (the user
// plus the reply through the room) enters the browser as its microphone, the reply plays in the
// page where that browser's canceller takes its reference (echo-browser-page.ts), and the processed
// track comes back aligned to the scene, with what the run looked like (the delay the browser saw,
// the reply as received, capture glitches). The browser itself is opened by the caller
// (echo-chromium.ts, echo-firefox.ts say how each gets its microphone and its reference here).
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { MARK_MS, MARK_S, SILENCE_S, TAP_WORKLET, pageFinish, pageSetup, type PageRun } from './echo-browser-page.js';
import { alignPiecewise } from './echo-align.js';
import { findLag } from './echo-response.js';
import type { EchoScene } from './echo-scenes.js';
import { writeWav } from '../../scripts/wav.mjs';

export interface EchoRunOptions {
  /** Play the reply (default); false leaves the canceller without a reference (the bypass check). */
  play?: boolean;
  /** getUserMedia's; default echo cancellation alone (noise suppression and gain control off). */
  constraints?: Record<string, boolean>;
  /** Reply ahead of its echo in the file, s (the browser's own path eats some of it). */
  leadS: number;
  jitterBufferMs?: number;
  /** 'steps' (default): an integer lag per quarter second from the user; 'piecewise': echo-align.ts. */
  alignment?: 'steps' | 'piecewise';
}

/** What runs the page: playwright's and puppeteer's Page both fit. */
export interface EchoPage {
  evaluate<A, R>(fn: (arg: A) => Promise<R>, arg: A): Promise<R>;
}

/** Opens the browser with the mic file as its microphone source, and the page at `url`. */
export type OpenEchoPage = (micFile: string, url: string) => Promise<{ page: EchoPage; close: () => Promise<void> }>;

export interface EchoBrowserRun {
  /** The processed mic aligned to the scene (zero where the recording had nothing). */
  processed: Float32Array;
  /** Where the user was found in the recording, and how well it correlated (coarse). */
  micLag: number;
  /** How many times the recording's lag against the mic file moved (capture glitches). */
  micMoves: number;
  /** The reply as received, against the reply: lag jumps (the jitter buffer stretching time) and waveform SNR, dB. */
  reference: { found: boolean; jumps: number; snrDb: number; delayMs: number } | null;
  /** The track's settings as getUserMedia gave them. */
  settings: Record<string, unknown>;
  bitrate: number | null;
  /** The recording as the page took it, and the mic file it played (PAD_S, the marker, then the scene). */
  recording: Float32Array;
  micFile: Float32Array;
  /** With 'piecewise' alignment: what is left of the misalignment (echo-align.ts). */
  alignment: { residualSamples: number; lagSpanSamples: number; coverage: number; points: number } | null;
}

export const PAD_S = 4;

/** The mic file: PAD_S of silence with a noise burst at MARK_S, then the scene. */
function micFile(scene: EchoScene): Float32Array {
  const pad = Math.round(PAD_S * scene.sampleRate);
  const mic = new Float32Array(pad + scene.mic.length);
  mic.set(scene.mic, pad);
  let x = 12345;
  const at = Math.round(MARK_S * scene.sampleRate);
  for (let i = at; i < at + (MARK_MS * scene.sampleRate) / 1000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    mic[i] = (x / 2 ** 32 - 0.5) * 0.6;
  }
  return mic;
}

const f32 = (b64: string) => {
  const b = Buffer.from(b64, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

/** How the received reply sits against the reply: its lag per half second (jumps > 2 samples counted) and the fitted SNR where it was stable. */
function referenceFit(recorded: Float32Array, reply: Float32Array, lag: number, rate: number): { jumps: number; snrDb: number } {
  const w = rate / 2;
  let last: number | null = null;
  let jumps = 0;
  let signal = 0;
  let error = 0;
  for (let t = 0; t + w < reply.length; t += w) {
    let xx = 0;
    for (let i = t; i < t + w; i++) xx += reply[i]! ** 2;
    if (xx / w < 1e-5) continue;
    let best = { lag, xy: 0, yy: 0, rho: -1 };
    for (let l = lag - 1200; l <= lag + 1200; l++) {
      let xy = 0;
      let yy = 0;
      for (let i = t; i < t + w; i++) {
        const y = recorded[i + l] ?? 0;
        xy += y * reply[i]!;
        yy += y * y;
      }
      const rho = xy / Math.sqrt(yy * xx + 1e-30);
      if (rho > best.rho) best = { lag: l, xy, yy, rho };
    }
    if (last !== null && Math.abs(best.lag - last) > 2) jumps++;
    else {
      const g = best.xy / xx;
      signal += g * g * xx;
      error += best.yy - g * best.xy;
    }
    last = best.lag;
  }
  return { jumps, snrDb: 10 * Math.log10(signal / Math.max(error, 1e-30)) };
}

/**
 * Where the recording sits against the mic file, per quarter second: the capture path can drop or
 * repeat a few ms on a busy machine (10 ms steps seen), which would misalign everything after.
 * Each window where the user is 6 dB over the rest of the mic is placed by cross-correlation with
 * the user within +-20 ms of the coarse lag; the lag moves where two such windows in a row agree
 * on a new one that the current one no longer fits; other windows keep the last lag. Returns the lag per
 * window and how many times it moved.
 */
function trackLag(out: Float32Array, near: Float32Array, rest: Float32Array, coarse: number, rate: number): { lags: Int32Array; moves: number } {
  const w = rate / 4;
  const span = rate / 50;
  const lags = new Int32Array(Math.ceil(near.length / w)).fill(coarse);
  let last = coarse;
  let moves = 0;
  let pending: { lag: number; k: number } | null = null;
  for (let k = 0; k < lags.length; k++) {
    const a = k * w;
    const b = Math.min(near.length, a + w);
    let en = 0;
    let er = 0;
    for (let i = a; i < b; i++) {
      en += near[i]! ** 2;
      er += rest[i]! ** 2;
    }
    if (en > 4 * er && en > (b - a) * 1e-6) {
      const from = Math.max(0, a + coarse - span);
      const found = findLag(out.slice(from, b + coarse + span), near.slice(a, b), 2 * span);
      const lag = from - a + found.lag;
      // Speech's periodicity gives side peaks a few ms off: move only where the current lag no
      // longer fits (a glitch leaves it uncorrelated).
      let xy = 0;
      let yy = 0;
      for (let i = a; i < b; i++) {
        const y = out[i + last] ?? 0;
        xy += y * near[i]!;
        yy += y * y;
      }
      const atLast = xy / Math.sqrt(yy * en + 1e-30);
      const misfit = lag !== last && found.correlation > 0.6 && atLast < 0.5 * found.correlation && Math.abs(lag - coarse) < span;
      // A move needs two qualifying windows in a row that agree (one window's side peak is not one).
      if (misfit && pending !== null && Math.abs(pending.lag - lag) <= 2) {
        moves++;
        last = lag;
        lags.fill(lag, pending.k, k);
        pending = null;
      } else pending = misfit ? { lag, k } : null;
    }
    lags[k] = last;
  }
  return { lags, moves };
}

/**
 * One run of a browser's capture processing on `scene` (48 kHz): `open` starts the browser and the
 * page, `startMic` (when the mic is not the browser's own fake device) starts feeding the mic file
 * once the page listens, and returns how to stop it.
 */
export async function runEchoPage(
  scene: EchoScene,
  via: PageRun['via'],
  open: OpenEchoPage,
  options: EchoRunOptions,
  startMic?: (micFile: string) => () => void,
): Promise<EchoBrowserRun> {
  const rate = scene.sampleRate;
  if (rate !== 48000) throw new Error(`the browsers' microphones run at 48 kHz here, not ${rate} Hz`);
  const dir = mkdtempSync(join(os.tmpdir(), 'rtpcm-echo-page-'));
  const mic = micFile(scene);
  writeWav(join(dir, 'mic.wav'), mic, rate);
  writeWav(join(dir, 'reply.wav'), scene.reference, rate);
  const files: Record<string, [string, string | Buffer]> = {
    '/': ['text/html', '<!doctype html><title>echo</title>'],
    '/tap.js': ['text/javascript', TAP_WORKLET],
  };
  const server = createServer((req, res) => {
    if (req.url === '/reply.wav') {
      res.writeHead(200, { 'content-type': 'audio/wav' });
      res.end(readFileSync(join(dir, 'reply.wav')));
      return;
    }
    const f = files[req.url ?? ''];
    res.writeHead(f ? 200 : 404, f ? { 'content-type': f[0] } : {});
    res.end(f?.[1]);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const opened = await open(join(dir, 'mic.wav'), `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  let stopMic = () => {};
  try {
    const run: PageRun = {
      via,
      constraints: options.constraints ?? { echoCancellation: true, noiseSuppression: false, autoGainControl: false },
      play: options.play ?? true,
      padS: PAD_S,
      leadS: options.leadS,
      jitterBufferMs: options.jitterBufferMs ?? 200,
      seconds: mic.length / rate - MARK_S - 0.1,
      markS: MARK_S,
      silenceS: via === 'webrtc' ? SILENCE_S : 0,
    };
    await opened.page.evaluate(pageSetup, run);
    if (startMic) stopMic = startMic(join(dir, 'mic.wav'));
    const r = await opened.page.evaluate(pageFinish, undefined);
    const out = f32(r.mic);
    const near = new Float32Array(mic.length);
    const pad = Math.round(PAD_S * rate);
    near.set(scene.near, pad);
    const micLag = findLag(out, near, 2 * rate).lag;
    const rest = new Float32Array(mic.length);
    for (let i = 0; i < scene.mic.length; i++) rest[pad + i] = scene.mic[i]! - scene.near[i]!;
    const track = trackLag(out, near, rest, micLag, rate);
    let processed = new Float32Array(scene.mic.length);
    for (let i = 0; i < processed.length; i++) processed[i] = out[pad + i + track.lags[Math.floor((pad + i) / (rate / 4))]!] ?? 0;
    let alignment: EchoBrowserRun['alignment'] = null;
    if (options.alignment === 'piecewise') {
      // The target: what the recording must carry (the whole mic without a reply; else all but the echo).
      const target = run.play ? Float32Array.from(mic, (v, i) => (i >= pad ? v - scene.echo[i - pad]! : v)) : mic;
      const a = alignPiecewise(out, target, findLag(out, target, 2 * rate).lag, rate);
      processed = a.aligned.slice(pad);
      alignment = { residualSamples: a.residualSamples, lagSpanSamples: a.lagSpanSamples, coverage: a.coverage, points: a.points.length };
    }
    let reference: EchoBrowserRun['reference'] = null;
    if (run.play) {
      const received = f32(r.reference);
      const at = findLag(received, scene.reference, 10 * rate);
      const fit = referenceFit(received, scene.reference, at.lag, rate);
      // In the recording, the reply's sample j sits at j + at.lag and the mic file's sample m at m + micLag.
      const delayMs = ((pad + micLag - at.lag) / rate) * 1000 + scene.meta.echoDelayMs;
      reference = { found: at.correlation > 0.3, ...fit, delayMs };
    }
    return { processed, micLag, micMoves: track.moves, reference, settings: r.settings, bitrate: r.bitrate, recording: out, micFile: mic, alignment };
  } finally {
    stopMic();
    await opened.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
