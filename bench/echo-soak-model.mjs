// (aec-med14) Where the foreground's model of the echo stands against the true room response in
// the soak (test/helpers/echo-soak.ts), at the end of the segment before a call and after each of
// the call's first callbacks while the filter's window is quiet or has just come back: the model's
// taps (the partitions' inverse transforms, first B taps each), their best lag against the room's
// response (sox: ir delayed by the segment's delay), the normalised correlation there, and the
// model energy in front of the true onset. A hooked build (ECHO_HOOKED or built here).
//
//   node bench/echo-soak-model.mjs --at 180 [--callbacks 80] [--from S: a fresh canceller from S]; ECHO_SOAK_RATE (16000)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadBuilds } from './echo-lab/common.mjs';
import { importLabHelpers } from './echo-lab-bundle.mjs';

const { values: o } = parseArgs({
  options: { at: { type: 'string', default: '180' }, from: { type: 'string', default: '0' }, callbacks: { type: 'string', default: '80' } },
});
const RATE = Number(process.env.ECHO_SOAK_RATE ?? 16000);
const FROM_S = Number(o.from);
const at = Number(o.at);
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-soak-model-'));
try {
  const lab = await importLabHelpers(['echo-soak', 'echo-sources'], tmp);
  const [build] = await loadBuilds(['hooked']);
  const params = { sampleRate: RATE, driftPpm: 100, seconds: at + 30, rooms: lab.SOAK_ROOMS, erlDb: 18, delayMs: 60, seed: 1 };
  const aec = new build.lib.EchoCanceller({ sampleRate: RATE });
  const k = aec.k;
  const B = aec.blockSamples;
  const m = Math.round(k.aec_state_field(aec.state, 12));
  const K = k.aec_bins(aec.state);
  const block = RATE / 100;
  const out = new Float32Array(block);
  /** the foreground's taps at absolute lags (offset B + q B + t) */
  const model = () => {
    const f32 = new Float32Array(k.memory.buffer);
    const w = k.aec_weights(aec.state, 1) >> 2;
    const off = k.aec_filter_offset(aec.state) * B;
    const taps = new Float64Array(off + m * B);
    for (let q = 0; q < m; q++) {
      const p = w + q * 2 * K;
      for (let t = 0; t < B; t++) {
        let s = 0;
        for (let j = 0; j <= B; j++) {
          const c = j === 0 || j === B ? 1 : 2;
          const ang = (2 * Math.PI * j * t) / (2 * B);
          s += c * (f32[p + j] * Math.cos(ang) - f32[p + K + j] * Math.sin(ang));
        }
        taps[off + q * B + t] = s / (2 * B);
      }
    }
    return { taps, off };
  };
  const compare = (/** @type {string} */ label, /** @type {any} */ seg) => {
    const room = lab.loadRoom(seg.room, RATE);
    const h = room.echoA;
    const delay = Math.round((seg.echoDelayMs * RATE) / 1000 - room.directA);
    const { taps, off } = model();
    let best = -1;
    let bestC = 0;
    let hh = 0;
    for (let i = 0; i < h.length; i++) hh += h[i] * h[i];
    let tt = 0;
    for (let i = 0; i < taps.length; i++) tt += taps[i] * taps[i];
    for (let c = -400; c <= 4000; c++) {
      let s = 0;
      for (let i = Math.max(0, c); i < taps.length && i - c < h.length; i++) s += taps[i] * h[i - c];
      const r = s / Math.sqrt(hh * tt + 1e-30);
      if (r > best) {
        best = r;
        bestC = c;
      }
    }
    const onset = bestC + Math.round(room.directA);
    let front = 0;
    for (let i = 0; i < Math.min(onset, taps.length); i++) front += taps[i] * taps[i];
    // the true response's energy that falls before the window's first tap, at the best lag
    let missed = 0;
    for (let i = 0; i < h.length && i + bestC < off; i++) missed += h[i] * h[i];
    console.log(
      `${label}: window from ${((1000 * off) / RATE).toFixed(1)} ms; best lag ${bestC} samples (room delay ${delay}: latency ${bestC - delay}), corr ${best.toFixed(3)}; model energy before the true onset ${(10 * Math.log10(front / tt + 1e-12)).toFixed(1)} dB; room energy before the window ${(10 * Math.log10(missed / hh + 1e-12)).toFixed(1)} dB`,
    );
  };
  let prev;
  for (const seg of lab.soakSegments(params)) {
    const t0 = seg.start / RATE;
    if (t0 < FROM_S) continue;
    if (t0 === at) compare(`end of ${prev.kind} at ${prev.start / RATE} s (its echo delay ${prev.echoDelayMs.toFixed(1)} ms)`, prev);
    const { reference, mic } = seg.scene;
    let wasQuiet = 1;
    let back = -1;
    for (let a = 0, i = 0; a < mic.length; a += block, i++) {
      aec.pushReference(reference.subarray(a, a + block));
      aec.processInto(mic.subarray(a, a + block), out);
      if (t0 !== at || i >= Number(o.callbacks)) continue;
      const quiet = k.aec_state_field(aec.state, 8);
      if (wasQuiet && !quiet) {
        compare(`${t0} s call, callback ${i} (window just back; echo ${seg.echoDelayMs.toFixed(1)} ms)`, { ...seg });
        back = i;
      } else if (back >= 0 && (i - back) % 10 === 0 && i - back <= 60) compare(`${t0} s call, callback ${i} (${i - back} after)`, { ...seg });
      wasQuiet = quiet;
    }
    if (t0 === at) {
      compare(`end of the call at ${at}`, seg);
      break;
    }
    prev = seg;
  }
  aec.free();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
