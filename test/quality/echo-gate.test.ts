// EchoGate measured on echo scenes built from labelled fixtures (test/helpers/labels-echo.ts) over
// the grid echo delay 0..250 ms x echo return loss 6..30 dB. Everything is judged on the output:
// a 10 ms frame "passes" when its output energy is at least a quarter of its input energy (gain
// >= -6 dB).
// - far-end single talk: from 200 ms after the echo first reaches the mic until the user first
//   speaks: echo energy reduction (input energy / output energy, dB) and the share of frames that
//   pass (the gate opening on echo alone);
// - double talk: share of the user's labelled speech frames that pass, and the opening delay: time
//   from each utterance's labelled start to the first 1 ms slice whose gain reaches -6 dB.
import { beforeAll, describe, expect, it } from 'vitest';
import { EchoGate, type EchoGateOptions } from '../../src/index.js';
import { echoScene, heldOutEchoScene, type EchoScene } from '../helpers/labels-echo.js';
import { frameLabels, utterances } from '../helpers/labels-vad.js';

const OPTIONS: Partial<EchoGateOptions> = JSON.parse(process.env.GATE_OPTIONS ?? '{}');
const DELAYS_MS = [0, 50, 100, 150, 200, 250];
const ERLS_DB = [6, 12, 18, 24, 30];
const STEP_MS = 10;

interface Point {
  delayMs: number;
  erlDb: number;
  reductionDb: number;
  openShare: number;
  passShare: number;
  openingMs: number[];
  leakShare: number;
  estDelayMs: number;
  estErlDb: number;
  rho: number;
}

function runGate(far: Float32Array, mic: Float32Array, rate: number): { out: Float32Array; gate: EchoGate } {
  const gate = new EchoGate({ sampleRate: rate, ...OPTIONS });
  const step = (rate * STEP_MS) / 1000;
  const out = new Float32Array(mic.length);
  const piece = new Float32Array(step);
  for (let at = 0; at + step <= mic.length; at += step) {
    gate.pushReference(far.subarray(at, at + step));
    gate.processInto(mic.subarray(at, at + step), piece);
    out.set(piece, at);
  }
  return { out, gate };
}

function energy(x: Float32Array, a: number, b: number): number {
  let s = 0;
  for (let i = a; i < b; i++) s += x[i]! * x[i]!;
  return s;
}

const points: Point[] = [];

function measure(delayMs: number, erlDb: number, scene: EchoScene = echoScene(delayMs, erlDb)): Point {
  const rate = scene.sampleRate;
  const frame = rate / 100;
  const { out, gate } = runGate(scene.far, scene.mic, rate);
  const farStart = scene.farTrack.labels.speechIntervals[0]![0];
  const nearStart = scene.near.labels.speechIntervals[0]![0];
  const singleFrom = Math.ceil((farStart + ((delayMs + 200) * rate) / 1000) / frame);
  const singleTo = Math.floor(nearStart / frame);
  const passes = (f: number) => {
    const e = energy(scene.mic, f * frame, (f + 1) * frame);
    return e > 0 && energy(out, f * frame, (f + 1) * frame) >= 0.25 * e;
  };
  let open = 0;
  for (let f = singleFrom; f < singleTo; f++) if (passes(f)) open++;
  const reductionDb =
    10 * Math.log10(energy(scene.mic, singleFrom * frame, singleTo * frame) / Math.max(1e-30, energy(out, singleFrom * frame, singleTo * frame)));

  const truth = frameLabels(scene.near.labels, frame);
  let speech = 0;
  let passed = 0;
  let echoOnly = 0;
  let leaked = 0;
  for (let f = singleTo; f < truth.length; f++) {
    if (truth[f]) {
      speech++;
      if (passes(f)) passed++;
    } else {
      echoOnly++;
      if (passes(f)) leaked++;
    }
  }
  const openingMs: number[] = [];
  const slice = rate / 1000;
  for (const [a] of utterances(scene.near.labels, 300)) {
    let t = a;
    while (t + slice <= out.length) {
      const e = energy(scene.mic, t, t + slice);
      if (e > 0 && energy(out, t, t + slice) >= 0.25 * e) break;
      t += slice;
    }
    openingMs.push(((t + slice - a) * 1000) / rate);
  }
  const point: Point = {
    delayMs,
    erlDb,
    reductionDb,
    openShare: open / (singleTo - singleFrom),
    passShare: passed / speech,
    openingMs,
    leakShare: leaked / echoOnly,
    estDelayMs: gate.delayMs,
    estErlDb: gate.echoReturnLossDb,
    rho: gate.delayConfidence,
  };
  gate.free();
  return point;
}

describe('EchoGate over the delay x echo-loss grid (16 kHz fixtures)', () => {
  beforeAll(() => {
    for (const d of DELAYS_MS) for (const erl of ERLS_DB) points.push(measure(d, erl));
    const f = (x: number, n = 1) => x.toFixed(n);
    console.log(
      [
        'delay ms | ERL dB | single talk: reduction dB, open share | double talk: pass share, opening ms | echo-only after user (hold) pass share | est. delay ms, ERL dB',
        ...points.map((p) =>
          [
            String(p.delayMs).padStart(8),
            String(p.erlDb).padStart(6),
            `${f(p.reductionDb).padStart(6)}, ${f(p.openShare, 3)}`,
            `${f(p.passShare, 3)}, ${p.openingMs.map((x) => f(x, 0)).join('/')}`,
            f(p.leakShare, 3),
            `${f(p.estDelayMs, 0)}, ${f(p.estErlDb)}, ${f(p.rho, 2)}`,
          ].join(' | '),
        ),
      ].join('\n'),
    );
  }, 120_000);

  it('far-end single talk: >= 40 dB less echo out than in, after 200 ms', () => {
    for (const p of points) expect(p.reductionDb, `${p.delayMs} ms, ${p.erlDb} dB`).toBeGreaterThanOrEqual(40);
  });

  it('opens on echo alone in <= 1% of frames', () => {
    for (const p of points) expect(p.openShare, `${p.delayMs} ms, ${p.erlDb} dB`).toBeLessThanOrEqual(0.01);
  });

  // Double talk: the default 200 ms hold bridges the soft parts between the user's syllables, and
  // the band detector finds the user in the bands where the echo is weak.
  it('double talk: >= 90% of the user speech frames pass at every point (measured 91.8-99.5%)', () => {
    for (const p of points) expect(p.passShare, `${p.delayMs} ms, ${p.erlDb} dB`).toBeGreaterThanOrEqual(0.9);
  });

  it('echo delay estimate within 3 ms of the truth on every delay at 6, 12 and 18 dB echo return loss', () => {
    for (const p of points.filter((q) => q.erlDb <= 18)) expect(Math.abs(p.estDelayMs - p.delayMs), `${p.delayMs} ms, ${p.erlDb} dB`).toBeLessThanOrEqual(3);
  });

  it('opening delay: <= 40 ms on >= 55 of the 60 utterance starts (measured 55; the rest 49-80 ms), the first utterance <= 60 ms at every point (measured <= 56 ms)', () => {
    const all = points.flatMap((p) => p.openingMs);
    expect(all.filter((ms) => ms <= 40).length).toBeGreaterThanOrEqual(55);
    for (const p of points) expect(p.openingMs[0]!, `${p.delayMs} ms, ${p.erlDb} dB`).toBeLessThanOrEqual(60);
    for (const p of points) for (const ms of p.openingMs) expect(ms, `${p.delayMs} ms, ${p.erlDb} dB`).toBeLessThanOrEqual(90);
  });
});

// The grid above has pink noise at -65 dBFS at the mic. The same scenes at other noise levels,
// reported because the gate depends on it: louder noise hides the echo's onsets and level, and
// at -45 dBFS with a loud echo (6 dB loss) the gate lets little of the user through (README,
// "Where they fall short").
describe('EchoGate at other mic noise levels', () => {
  const rows: { noiseDb: number; delayMs: number; erlDb: number; reductionDb: number; passShare: number }[] = [];
  beforeAll(() => {
    for (const noiseDb of [-75, -55, -45]) {
      for (const delayMs of [0, 120, 250]) {
        for (const erlDb of [6, 18, 30]) {
          const scene = echoScene(delayMs, erlDb, true, noiseDb);
          const rate = scene.sampleRate;
          const frame = rate / 100;
          const { out, gate } = runGate(scene.far, scene.mic, rate);
          gate.free();
          const from = scene.farTrack.labels.speechIntervals[0]![0] + Math.round(((delayMs + 200) * rate) / 1000);
          const to = scene.near.labels.speechIntervals[0]![0];
          const truth = frameLabels(scene.near.labels, frame);
          let speech = 0;
          let passed = 0;
          for (let f = Math.floor(to / frame); f < truth.length; f++) {
            if (!truth[f]) continue;
            speech++;
            if (energy(out, f * frame, (f + 1) * frame) >= 0.25 * energy(scene.mic, f * frame, (f + 1) * frame)) passed++;
          }
          const reductionDb = 10 * Math.log10(energy(scene.mic, from, to) / Math.max(1e-30, energy(out, from, to)));
          rows.push({ noiseDb, delayMs, erlDb, reductionDb, passShare: passed / speech });
        }
      }
    }
    console.log(
      [
        'noise dBFS | delay ms | ERL dB | single-talk reduction dB | double-talk pass share',
        ...rows.map((r) => `${r.noiseDb} | ${r.delayMs} | ${r.erlDb} | ${r.reductionDb.toFixed(1)} | ${r.passShare.toFixed(3)}`),
      ].join('\n'),
    );
  }, 120_000);

  it('single talk: >= 40 dB less echo on every scene at every level', () => {
    for (const r of rows) expect(r.reductionDb, `${r.noiseDb} dBFS, ${r.delayMs} ms, ${r.erlDb} dB`).toBeGreaterThanOrEqual(40);
  });

  it('double talk: >= 95% of the user frames pass at -75 dBFS (measured 97.3-99.2%), >= 90% at -55 dBFS (measured 92.3-99.2%)', () => {
    for (const r of rows.filter((q) => q.noiseDb === -75)) expect(r.passShare, `${r.delayMs} ms, ${r.erlDb} dB`).toBeGreaterThanOrEqual(0.95);
    for (const r of rows.filter((q) => q.noiseDb === -55)) expect(r.passShare, `${r.delayMs} ms, ${r.erlDb} dB`).toBeGreaterThanOrEqual(0.9);
  });

  it('double talk at -45 dBFS: >= 88% pass with >= 18 dB echo return loss (measured 89.0-94.5%); at 6 dB only 15-64% (a known gap, reported)', () => {
    for (const r of rows.filter((q) => q.noiseDb === -45 && q.erlDb >= 18)) expect(r.passShare, `${r.delayMs} ms, ${r.erlDb} dB`).toBeGreaterThanOrEqual(0.88);
    for (const r of rows.filter((q) => q.noiseDb === -45 && q.erlDb === 6)) expect(r.passShare, `${r.delayMs} ms`).toBeGreaterThan(0.1);
  });
});

// What any gate deciding on broadband 2.5 ms block energies could do on these scenes, given the
// true echo (an oracle no real gate has); the band detector is not bound by it: the first time the mic rises 3 dB (the user as loud as the echo)
// and 6 dB above the true echo energy, two blocks in a row, after each utterance's labelled start.
// At 6 dB echo return loss the user's first syllables are no louder than the echo overall, so the
// 40 ms opening target is out of reach for a broadband energy gate there; in some bands the user
// is 6 dB over the echo within 5-35 ms (docs/NOTES.md), which is what the band detector uses.
describe('Opening delay bound for any block-energy gate (true echo known)', () => {
  const rows: { delayMs: number; erlDb: number; at3: number[]; at6: number[] }[] = [];
  beforeAll(() => {
    for (const erlDb of [6, 12, 18]) {
      for (const delayMs of DELAYS_MS) {
        const scene = echoScene(delayMs, erlDb);
        const rate = scene.sampleRate;
        const block = rate / 400;
        const db = (x: Float32Array, a: number) => 10 * Math.log10(energy(x, a, a + block) / block + 1e-30);
        const first = (a: number, marginDb: number) => {
          let run = 0;
          for (let t = a; t + block <= scene.mic.length && t < a + rate * 0.3; t += block) {
            run = db(scene.mic, t) - db(scene.echo, t) >= marginDb ? run + 1 : 0;
            if (run >= 2) return ((t + block - a) * 1000) / rate;
          }
          return 300;
        };
        const starts = utterances(scene.near.labels, 300).map(([a]) => a);
        rows.push({ delayMs, erlDb, at3: starts.map((a) => first(a, 3)), at6: starts.map((a) => first(a, 6)) });
      }
    }
    console.log(
      [
        'delay ms | ERL dB | mic 3 dB over true echo, ms per utterance | 6 dB over, ms',
        ...rows.map((r) => `${r.delayMs} | ${r.erlDb} | ${r.at3.map((x) => x.toFixed(0)).join('/')} | ${r.at6.map((x) => x.toFixed(0)).join('/')}`),
      ].join('\n'),
    );
  }, 120_000);

  it('at 6 dB echo return loss some first utterance stays within 3 dB of the echo for > 40 ms (measured 78 ms at 150 ms delay)', () => {
    expect(Math.max(...rows.filter((r) => r.erlDb === 6).map((r) => r.at3[0]!))).toBeGreaterThan(40);
  });
});

// The gate's constants were chosen on the scenes above. The same grid built from other labelled
// tracks (fixtures/speech, never used to tune the gate): the assistant speech-a with the user
// speech-c from 3.2 s, and the assistant speech-c with the user speech-b from 3.4 s, through the
// same room (direct convolution with fixtures/echo/room.fir.txt).
describe('EchoGate on held-out scenes (other tracks, same grid)', () => {
  const held: (Point & { pair: string })[] = [];
  beforeAll(() => {
    for (const [far, near] of [
      ['speech-a', 'speech-c'],
      ['speech-c', 'speech-b'],
    ] as const) {
      for (const d of DELAYS_MS)
        for (const erl of ERLS_DB) held.push({ pair: `${far}/${near}`, ...measure(d, erl, heldOutEchoScene(far, near, 2500, d, erl)) });
    }
    const f = (x: number, n = 1) => x.toFixed(n);
    console.log(
      [
        'held out: assistant/user | delay ms | ERL dB | single talk: reduction dB, open share | double talk: pass share, opening ms | est. delay ms',
        ...held.map(
          (p) =>
            `${p.pair} | ${p.delayMs} | ${p.erlDb} | ${f(p.reductionDb)}, ${f(p.openShare, 3)} | ${f(p.passShare, 3)}, ${p.openingMs.map((x) => f(x, 0)).join('/')} | ${f(p.estDelayMs, 0)}`,
        ),
      ].join('\n'),
    );
  }, 300_000);

  it('single talk: >= 40 dB less echo and no opening on echo alone (<= 1% of frames) on every held-out scene (measured 60 dB, 0%)', () => {
    for (const p of held) {
      expect(p.reductionDb, `${p.pair} ${p.delayMs} ms, ${p.erlDb} dB`).toBeGreaterThanOrEqual(40);
      expect(p.openShare, `${p.pair} ${p.delayMs} ms, ${p.erlDb} dB`).toBeLessThanOrEqual(0.01);
    }
  });

  it('double talk: >= 90% of the user frames pass (measured 94.2-99.7%) and every opening within 40 ms (measured <= 20 ms) on every held-out scene', () => {
    for (const p of held) {
      expect(p.passShare, `${p.pair} ${p.delayMs} ms, ${p.erlDb} dB`).toBeGreaterThanOrEqual(0.9);
      for (const ms of p.openingMs) expect(ms, `${p.pair} ${p.delayMs} ms, ${p.erlDb} dB`).toBeLessThanOrEqual(40);
    }
  });
});
