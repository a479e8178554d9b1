// How far the Bluetooth scenes' codec model (test/helpers/echo-bt.ts: a lowpass and Gaussian noise
// 20-30 dB under the signal per subband and frame) is from the real codecs (test/helpers/echo-codec.ts:
// BlueZ's sbcenc / sbcdec, A2DP SBC bitpool 53 / 32 and HFP mSBC; with --codecs also LE Audio's LC3
// and A2DP's AAC, aec-codecs), on the lab's replies (aec-sbc).
//   1. The codec's delay at its rate (white noise through it, the tools' output as is), and the whole
//      chain's (the scene's rate -> the codec -> back, the delay taken out) lag on a reply: 0 when aligned.
//   2. The coding error (coded - reply) under the reply per band and frame: 16 ms frames (hop 8 ms,
//      Hann), 8 equal bands of the scene's band, the frames within 40 dB of the reply's loudest, and
//      bands within 60 dB of the frame's loudest band; median [10th, 90th percentile] dB over them,
//      and the whole band's per frame. The model's profile beside each codec it stands for, and the
//      rate changes alone (44.1 kHz and back, no codec) as the chain's own floor.
//
//   node bench/echo-sbc.mjs [--rates 16000,24000] [--replies assistant-forecast,assistant-recipe,assistant-recorded]
//     [--codecs sbc,lc3,aac]   the groups' codecs (test/helpers/echo-grid.ts BLUETOOTH_CODECS; default sbc)
// Needs sox and the codecs' tools on PATH: sbcenc, sbcdec (Debian sbc-tools), elc3, dlc3 (liblc3-tools), ffmpeg.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { importLabHelpers } from './echo-lab-bundle.mjs';

const { values: o } = parseArgs({
  options: {
    rates: { type: 'string', default: '16000,24000' },
    replies: { type: 'string', default: 'assistant-forecast,assistant-recipe,assistant-recorded' },
    codecs: { type: 'string', default: 'sbc' },
  },
});
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-echo-sbc-'));
/** @type {typeof import('../test/helpers/echo-codec.js') & typeof import('../test/helpers/echo-bt.js') & typeof import('../test/helpers/echo-sources.js') & typeof import('../test/helpers/echo-grid.js')} */
let lab;
try {
  lab = await importLabHelpers(['echo-codec', 'echo-bt', 'echo-sources', 'echo-grid'], tmp);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const families = /** @type {import('../test/helpers/echo-grid.js').BluetoothCodecs[]} */ (o.codecs.split(','));
/** Per profile of BLUETOOTH_PROFILES, its real codecs (one per family asked). @type {import('../test/helpers/echo-codec.js').BtCodec[][]} */
const codecsOf = lab.BLUETOOTH_PROFILES.map((_, p) => [...new Set(families.map((f) => lab.BLUETOOTH_CODECS[f].codecs[p]))]);
const missing = lab.codecMissing(codecsOf.flat());
if (missing) {
  console.error(missing);
  process.exit(1);
}

const BANDS = 8;
const db = (/** @type {number} */ p) => 10 * Math.log10(p);
/** @param {number[]} v @param {number} q */
const quantile = (v, q) => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};
const fmt = (/** @type {number[]} */ v) => `${quantile(v, 0.5).toFixed(1)} [${quantile(v, 0.1).toFixed(1)}, ${quantile(v, 0.9).toFixed(1)}]`;

/** The lag (-range..range) of `y` against `x` with the best normalized correlation. @param {ArrayLike<number>} x @param {ArrayLike<number>} y */
function lagOf(x, y, range = 40) {
  let best = 0;
  let bestCorr = -2;
  for (let lag = -range; lag <= range; lag++) {
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let t = range; t < x.length - range; t++) {
      xy += x[t] * y[t + lag];
      xx += x[t] ** 2;
      yy += y[t + lag] ** 2;
    }
    const c = xy / Math.sqrt(xx * yy);
    if (c > bestCorr) [bestCorr, best] = [c, lag];
  }
  return best;
}

/**
 * The error `coded - x` under `x` per band and frame, dB, and per frame over the whole band.
 * @param {ArrayLike<number>} x @param {ArrayLike<number>} coded @param {number} rate
 */
function snrs(x, coded, rate) {
  let n = 1;
  while (n < rate * 0.016) n <<= 1;
  const hop = n / 2;
  const w = Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
  /** @type {{ frame: number, bands: number[], errs: number[] }[]} */
  const frames = [];
  const xr = new Float64Array(n);
  const xi = new Float64Array(n);
  const er = new Float64Array(n);
  const ei = new Float64Array(n);
  for (let at = 0; at + n <= x.length; at += hop) {
    for (let i = 0; i < n; i++) {
      xr[i] = w[i] * x[at + i];
      er[i] = w[i] * (coded[at + i] - x[at + i]);
    }
    xi.fill(0);
    ei.fill(0);
    lab.fft(xr, xi, false);
    lab.fft(er, ei, false);
    const bands = new Array(BANDS).fill(0);
    const errs = new Array(BANDS).fill(0);
    for (let k = 1; k < n / 2; k++) {
      const b = Math.floor((k * BANDS) / (n / 2));
      bands[b] += xr[k] ** 2 + xi[k] ** 2;
      errs[b] += er[k] ** 2 + ei[k] ** 2;
    }
    frames.push({ frame: bands.reduce((a, b) => a + b, 0), bands, errs });
  }
  const loudest = Math.max(...frames.map((f) => f.frame));
  /** @type {number[][]} */
  const perBand = Array.from({ length: BANDS }, () => []);
  /** @type {number[]} */
  const whole = [];
  for (const f of frames) {
    if (f.frame < loudest * 1e-4) continue;
    const top = Math.max(...f.bands);
    f.bands.forEach((p, b) => {
      if (p >= top * 1e-6) perBand[b].push(db(p / Math.max(f.errs[b], 1e-30)));
    });
    whole.push(
      db(
        f.frame /
          Math.max(
            f.errs.reduce((a, b) => a + b, 0),
            1e-30,
          ),
      ),
    );
  }
  return { perBand, whole };
}

console.log("The delay in the codec tools' output at the codec's rate (samples; white noise) and what a device plays:");
for (const codec of new Set(codecsOf.flat())) {
  const d = lab.codecDelay(codec);
  const s = lab.CODECS[codec];
  const ms = (/** @type {number} */ n) => ((1000 * n) / s.rateHz).toFixed(2);
  console.log(`  ${codec} (${s.what}): ${d} samples = ${ms(d)} ms; played ${s.playedDelaySamples} samples = ${ms(s.playedDelaySamples)} ms`);
}

const rates = o.rates.split(',').map(Number);
const replies = o.replies.split(',');
for (const rate of rates) {
  /** @type {Map<string, { perBand: number[][], whole: number[], lags: number[] }>} */
  const acc = new Map();
  const add = (/** @type {string} */ key, /** @type {ReturnType<typeof snrs>} */ s, /** @type {number} */ lag) => {
    const a = acc.get(key) ?? { perBand: Array.from({ length: BANDS }, () => []), whole: [], lags: [] };
    for (const [b, v] of s.perBand.entries()) a.perBand[b].push(...v);
    a.whole.push(...s.whole);
    a.lags.push(lag);
    acc.set(key, a);
  };
  for (const [r, name] of replies.entries()) {
    const x = Float64Array.from(lab.loadClip('assistant', name, rate).samples);
    const resampled = lab.codecCoded(x, rate, 'resampled'); // the control: the rate changes alone
    add('resampled (no codec)', snrs(x, resampled, rate), lagOf(x, resampled));
    for (const [i, p] of lab.BLUETOOTH_PROFILES.entries()) {
      for (const codec of codecsOf[i]) {
        const coded = lab.codecCoded(x, rate, codec, 'aligned');
        add(codec, snrs(x, coded, rate), lagOf(x, coded));
      }
      const band = lab.lowpass(x, rate, p.lowpassHz);
      const noise = lab.codingNoise(band, rate, p.codecSnrDb, 1000 + r);
      const model = band.map((v, t) => v + noise[t]);
      add(`model ${p.codecSnrDb} dB ${p.lowpassHz / 1000}k`, snrs(x, model, rate), lagOf(x, model));
    }
  }
  const edges = Array.from({ length: BANDS }, (_, b) => `${((b * rate) / 2 / BANDS / 1000).toFixed(1)}-${(((b + 1) * rate) / 2 / BANDS / 1000).toFixed(1)}`);
  console.log(
    `\n${rate / 1000} kHz, ${replies.length} replies: the coding error under the signal, dB, median [p10, p90] over frames (and bands) with the reply`,
  );
  console.log(`| codec | chain lag | whole band per frame | ${edges.map((e) => `${e} kHz`).join(' | ')} |`);
  console.log(`| --- | ---: | ---: | ${edges.map(() => '---:').join(' | ')} |`);
  for (const [key, a] of acc)
    console.log(`| ${key} | ${[...new Set(a.lags)].join(',')} | ${fmt(a.whole)} | ${a.perBand.map((v) => (v.length ? fmt(v) : '-')).join(' | ')} |`);
}
