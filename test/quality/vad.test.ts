// EnergyVad measured on labelled fixtures (scripts/fixtures-speech.mjs), side by side with WebRTC's
// VAD (libfvad via @echogarden/fvad-wasm) on the same 16 kHz data and the same 10 ms frame grid.
// Per class: frame precision, recall, F1; onset error of speech_start times, the delay until the
// event is emitted, offset error of speech_stop times; share of frames flagged on noise alone.
import { beforeAll, describe, expect, it } from 'vitest';
import type { EnergyVadOptions } from '../../src/index.js';
import {
  countFrames,
  frameLabels,
  loadNoise,
  loadTrack,
  mixAtSnr,
  noiseAtSnr,
  rmsDb,
  scores,
  utterances,
  webrtcVadDecisions,
  type FrameCounts,
  type LabelledTrack,
} from '../helpers/labels-vad.js';
import { runVad as runOurs } from '../helpers/vad-run.js';

const OPTIONS: Partial<EnergyVadOptions> = JSON.parse(process.env.VAD_OPTIONS ?? '{}');
const TRACKS = ['speech-a', 'speech-b', 'speech-c'];
const NOISES = ['white', 'pink', 'brown', 'babble'];
const STATIONARY = ['white', 'pink', 'brown'];
const SNRS = [20, 10, 5];
const WEBRTC_MODES = [0, 1, 2, 3];

/** Our VAD with the options under study (VAD_OPTIONS, JSON, for sweeps; the defaults otherwise). */
const runVad = (samples: Float32Array, sampleRate: number) => runOurs(samples, sampleRate, OPTIONS);

interface ClassResult {
  name: string;
  ours: FrameCounts;
  webrtc: FrameCounts[];
  onsetErrMs: number[];
  onsetEmitMs: number[];
  offsetErrMs: number[];
  missed: number;
  /** Per onset found: error (ms) and the labelled first 30 ms of speech re the noise, dB (broadband RMS). */
  onsets: { errMs: number; first30Db: number }[];
}

const results = new Map<string, ClassResult>();
const noiseOnly = new Map<string, { ours: number; webrtc: number[]; frames: number; starts: number }>();
let tracks: LabelledTrack[] = [];

function measure(name: string, mixes: { track: LabelledTrack; samples: Float32Array; noise?: Float32Array }[], webrtc: Uint8Array[][]): ClassResult {
  const r: ClassResult = {
    name,
    ours: { tp: 0, fp: 0, fn: 0, tn: 0 },
    webrtc: WEBRTC_MODES.map(() => ({ tp: 0, fp: 0, fn: 0, tn: 0 })),
    onsetErrMs: [],
    onsetEmitMs: [],
    offsetErrMs: [],
    missed: 0,
    onsets: [],
  };
  mixes.forEach(({ track, samples, noise }, t) => {
    const rate = track.sampleRate;
    const truth = frameLabels(track.labels, rate / 100);
    const run = runVad(samples, rate);
    countFrames(run.decisions, truth, r.ours);
    for (let m = 0; m < WEBRTC_MODES.length; m++) countFrames(webrtc[t]![m]!, truth, r.webrtc[m]);
    for (const [a, b] of utterances(track.labels, 800)) {
      const startMs = (a * 1000) / rate;
      const endMs = (b * 1000) / rate;
      const start = run.starts.find((e) => e.timeMs >= startMs - 200 && e.timeMs <= startMs + 300);
      if (start === undefined) {
        r.missed++;
        continue;
      }
      r.onsetErrMs.push(start.timeMs - startMs);
      const first = Math.min(b, a + Math.round((30 * rate) / 1000));
      r.onsets.push({ errMs: start.timeMs - startMs, first30Db: rmsDb(track.samples, a, first) - (noise ? rmsDb(noise) : -Infinity) });
      r.onsetEmitMs.push(start.emittedMs - startMs);
      const stop = run.stops.find((e) => e.timeMs >= endMs - 300 && e.timeMs <= endMs + 600);
      if (stop !== undefined) r.offsetErrMs.push(stop.timeMs - endMs);
    }
  });
  results.set(name, r);
  return r;
}

const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const maxAbs = (xs: number[]) => xs.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const max = (xs: number[]) => xs.reduce((m, x) => Math.max(m, x), -Infinity);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

/** Onset |error| over the 10 dB stationary classes: median, 90th percentile, worst; late onsets with their first 30 ms re the noise. */
function onset10(): { errs: number[]; late: { name: string; errMs: number; first30Db: number }[] } {
  const errs: number[] = [];
  const late: { name: string; errMs: number; first30Db: number }[] = [];
  for (const noise of STATIONARY) {
    const r = results.get(`${noise} 10 dB`)!;
    for (const o of r.onsets) {
      errs.push(Math.abs(o.errMs));
      if (o.errMs > 30) late.push({ name: r.name, ...o });
    }
  }
  return { errs, late };
}

function onsetSummary(): string[] {
  const { errs, late } = onset10();
  return [
    `onset |err| at 10 dB stationary (${errs.length} onsets): median ${fmt(median(errs), 0)} ms, p90 ${fmt(quantile(errs, 0.9), 0)} ms, worst ${fmt(max(errs), 0)} ms`,
    ...late.map((o) => `  late: ${o.name} +${fmt(o.errMs, 0)} ms, labelled first 30 ms at ${fmt(o.first30Db, 1)} dB re the noise (broadband RMS)`),
  ];
}

async function webrtcAll(samples: Float32Array, rate: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const mode of WEBRTC_MODES) out.push(await webrtcVadDecisions(samples, rate, mode));
  return out;
}

describe('EnergyVad on labelled speech (16 kHz fixtures)', () => {
  beforeAll(async () => {
    tracks = TRACKS.map((t) => loadTrack('speech', t));
    const clean = tracks.map((track) => ({ track, samples: track.samples }));
    measure('clean', clean, await Promise.all(clean.map((m) => webrtcAll(m.samples, m.track.sampleRate))));
    for (const noiseName of NOISES) {
      const noise = loadNoise(noiseName);
      for (const snr of SNRS) {
        const mixes = tracks.map((track) => ({ track, samples: mixAtSnr(track, noise, snr), noise: noiseAtSnr(track, noise, snr) }));
        const webrtc: Uint8Array[][] = [];
        for (const m of mixes) webrtc.push(await webrtcAll(m.samples, m.track.sampleRate));
        measure(`${noiseName} ${snr} dB`, mixes, webrtc);
      }
      // Noise alone, at each track's 10 dB SNR level.
      const entry = { ours: 0, webrtc: WEBRTC_MODES.map(() => 0), frames: 0, starts: 0 };
      for (const track of tracks) {
        const alone = noiseAtSnr(track, noise, 10);
        const run = runVad(alone, track.sampleRate);
        entry.ours += run.decisions.reduce((s, d) => s + d, 0);
        entry.frames += run.decisions.length;
        entry.starts += run.starts.length;
        const w = await webrtcAll(alone, track.sampleRate);
        for (const [m, d] of w.entries()) entry.webrtc[m]! += d.reduce((s, x) => s + x, 0);
      }
      noiseOnly.set(noiseName, entry);
    }

    const rows = [...results.values()].map((r) => {
      const s = scores(r.ours);
      const w = r.webrtc.map((c) => scores(c).f1);
      return [
        r.name.padEnd(13),
        fmt(s.precision),
        fmt(s.recall),
        fmt(s.f1),
        w.map((x) => fmt(x)).join(' '),
        `${fmt(median(r.onsetErrMs.map(Math.abs)), 0)}/${fmt(maxAbs(r.onsetErrMs), 0)}`,
        fmt(max(r.onsetEmitMs), 0),
        `${fmt(mean(r.offsetErrMs), 0)}/${fmt(maxAbs(r.offsetErrMs), 0)}`,
        String(r.missed),
      ].join(' | ');
    });
    console.log(
      [
        'class         | P     | R     | F1    | WebRTC F1 mode 0 1 2 3  | onset |err| ms median/max | emitted <= ms | offset err ms mean/max | missed',
        ...rows,
        '',
        'noise alone (10 dB SNR level) | ours: false frames, speech_start events | WebRTC modes 0 1 2 3: false frames',
        ...onsetSummary(),
        '',
        ...[...noiseOnly.entries()].map(
          ([n, e]) => `${n.padEnd(7)} | ${fmt(e.ours / e.frames)} (${e.ours}/${e.frames}), ${e.starts} | ${e.webrtc.map((x) => fmt(x / e.frames)).join(' ')}`,
        ),
      ].join('\n'),
    );
  }, 120_000);

  it('F1 >= 0.90 on speech in stationary noise at 10 dB SNR', () => {
    for (const noise of STATIONARY) expect(scores(results.get(`${noise} 10 dB`)!.ours).f1, noise).toBeGreaterThanOrEqual(0.9);
  });

  it('F1 at least that of WebRTC VAD (the best of its four modes, per class) on every class: clean, white/pink/brown/babble at 20, 10, 5 dB (thinnest margins measured: brown 20 dB 0.966 vs 0.965, white 20 dB 0.963 vs 0.950, babble 20 dB 0.949 vs 0.943)', () => {
    for (const name of ['clean', ...NOISES.flatMap((n) => SNRS.map((snr) => `${n} ${snr} dB`))]) {
      const r = results.get(name)!;
      const best = Math.max(...r.webrtc.map((c) => scores(c).f1));
      expect(scores(r.ours).f1, name).toBeGreaterThanOrEqual(best);
    }
  });

  it('reports speech_start within 30 ms of the labelled onset on clean speech; in 10 dB stationary noise median 16 ms, p90 and worst 86 ms, the late ones being starts whose labelled first 30 ms lie below the noise (a soft /s/ at -1.0 dB broadband, -5.7 dB in the 200-4000 Hz band under white noise)', () => {
    const clean = results.get('clean')!;
    expect(clean.missed).toBe(0);
    expect(maxAbs(clean.onsetErrMs)).toBeLessThanOrEqual(30);
    expect(max(clean.onsetEmitMs), 'emitted').toBeLessThanOrEqual(30);
    for (const name of STATIONARY.map((n) => `${n} 10 dB`)) expect(results.get(name)!.missed, name).toBe(0);
    const { errs, late } = onset10();
    expect(median(errs)).toBeLessThanOrEqual(17);
    expect(quantile(errs, 0.9)).toBeLessThanOrEqual(87);
    expect(max(errs)).toBeLessThanOrEqual(87);
    for (const o of late) expect(o.first30Db, `${o.name} +${o.errMs} ms`).toBeLessThan(0);
  });

  it('flags <= 1% of frames on stationary noise alone, and no speech_start', () => {
    for (const noise of STATIONARY) {
      const e = noiseOnly.get(noise)!;
      expect(e.ours / e.frames, noise).toBeLessThanOrEqual(0.01);
      expect(e.starts, noise).toBe(0);
    }
  });

  it('flags fewer frames of babble alone than any WebRTC mode (measured 0.819 vs 0.942-0.996): babble is speech, an energy VAD cannot call it noise', () => {
    const e = noiseOnly.get('babble')!;
    expect(e.ours / e.frames).toBeLessThanOrEqual(0.82);
    for (const w of e.webrtc) expect(e.ours).toBeLessThan(w);
  });
});
