// What holds each utterance that never passes (issue 13: "no utterance that never passes"; the
// outside hall, docs/echo-canceller.md "A hall whose tail runs seconds past the filter"): per
// utterance the metric never delivers, per octave (< 250, 250-500, ..., > 4 kHz Hz) over its
// blocks where the user speaks (the user's frame >= 20 dB over the noise), medians in dB of:
//   U-TR    the user over the true residual echo in the linear stage's output (E - user - noise);
//   U-TE    the user over the true echo in the mic (what no linear stage has removed);
//   U-r     the user over the presence test's residual allowance `resid` x OVER (22; the kernel takes it
//           x HALL_OVER in a hall since aec-hall5: this tool keeps 22, the figures its diagnosis read);
//   U-lt    ... over OVER_TAIL (4) x the held tail `late`;
//   U-pt    ... over OVER_LATE (5) x the late echo handed in (./aec-late's model or ./aec-reverb's);
//   lt-TR   the held tail over the true residual (its over-estimate, x1);
//   pt-TR   the late echo handed in over the true residual (x1);
//   max     which of the three stands highest (r / lt / pt: blocks of each);
// then per utterance: the share of its user blocks where the user stands over the true residual
// (U > TR) in >= 2 octaves, over 4x the true residual (what the held tail's factor needs if the tail
// were exact), over the test's allowance in >= 2 octaves, and the share judged present (h > 0).
// Needs the hooked build (assembly/bench-hooks.ts: the suppressor's trace, array 11 = `late`).
//   node bench/echo-hall-lost.mjs [--scenes REGEXP] [--groups outside,outside24] [--shifts 0] [--all]
// (--all: every utterance, not only those never delivered). Quality only.
import { parseArgs } from 'node:util';
import { loadBuilds, loadLab, selectScenes } from './echo-lab/common.mjs';
import { traceScene } from './echo-lab/suppressor-trace.mjs';

const { values: o } = parseArgs({
  options: {
    scenes: { type: 'string', default: 'sox-large.* 6dB$' },
    groups: { type: 'string', default: 'outside,outside24' },
    shifts: { type: 'string', default: '0' },
    build: { type: 'string', default: 'hooked' },
    all: { type: 'boolean', default: false },
  },
});

const lab = await loadLab();
const [build] = await loadBuilds([o.build]);
const pick = { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: o.shifts.split(',').map(Number) };
const db = (/** @type {number} */ x) => 10 * Math.log10(x + 1e-30);
const median = (/** @type {number[]} */ xs) => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)];
};
const f1 = (/** @type {number} */ x) => (Number.isFinite(x) ? x.toFixed(1) : ' - ').padStart(6);

for (const { params, scene, shifts } of selectScenes(lab, pick)) {
  for (const shift of shifts) {
    const {
      c,
      rate,
      B,
      near,
      noise,
      echo,
      out: outFull,
      blocks,
      scalars,
      arr,
      e,
      tr,
      power,
      edges,
    } = traceScene(build, scene, shift, (d, sc) => lab.runCanceller(d, sc));
    const out = outFull.slice(shift);
    // calibration: the kernel's unscaled spectra against this one's, on a live block
    let calib = 0;
    for (let i = 50; i < blocks && calib === 0; i++) {
      const pe = arr(i, 0);
      const pE = power(e, i);
      let a = 0;
      let b = 0;
      for (let k = 0; k <= B; k++) {
        a += pe[k];
        b += pE[k];
      }
      if (a > 0) calib = b / a;
    }
    // the metric's openings per utterance (frames of 10 ms from its start, clean: error <= user / 10)
    const F = rate / 100;
    const name = `${lab.sceneName(params)}${shift ? ` +${shift}` : ''}`;
    console.log(`${name}: per lost utterance and octave, medians over its user blocks (dB); U-r / U-lt / U-pt against 22 r / 4 late / 5 T`);
    /** @type {[number, number][]} */
    const lostAll = [];
    for (const [ua, ub] of scene.labels.utterances) {
      const startFrame = Math.floor(ua / F);
      let e0 = 0;
      let n0 = 0;
      for (let i = startFrame * F; i < (startFrame + 1) * F; i++) {
        e0 += scene.echo[i] ** 2;
        n0 += scene.noise[i] ** 2;
      }
      const labelled = scene.labels.echo.some(([p, q]) => p < (startFrame + 1) * F && q > startFrame * F);
      if (!(labelled || e0 > n0)) continue;
      let opened = -1;
      for (let t = ua, k = 0; t + F <= Math.min(ub, scene.near.length); t += F, k++) {
        let u = 0;
        let d = 0;
        for (let i = t; i < t + F; i++) {
          u += scene.near[i] ** 2;
          d += (out[i] - scene.near[i]) ** 2;
        }
        if (u > 0 && d <= 0.1 * u) {
          opened = (k + 1) * 10;
          break;
        }
      }
      if (opened < 0) lostAll.push([ua, ub]);
      if (opened >= 0 && !o.all) continue;
      const Q = edges.length - 1;
      /** @type {Record<string, number[][]>} */
      const acc = { uTr: [], uTe: [], uR: [], uLt: [], uPt: [], rTr: [], ltTr: [], ptTr: [] };
      for (const key of Object.keys(acc)) acc[key] = Array.from({ length: Q }, () => []);
      const dom = Array.from({ length: Q }, () => [0, 0, 0]);
      let userBlocks = 0;
      let over1 = 0;
      let over4 = 0;
      let overAllow = 0;
      let present = 0;
      const i0 = Math.ceil((ua + shift) / B) + 1;
      const i1 = Math.min(blocks - 1, Math.floor((ub + shift) / B));
      for (let i = i0; i <= i1; i++) {
        // the user's frame over the noise: 20 dB (the metric's double-talk floor)
        let uS = 0;
        let nS = 0;
        for (let t = (i - 1) * B; t < (i + 1) * B; t++) {
          uS += (near[t] ?? 0) ** 2;
          nS += (noise[t] ?? 0) ** 2;
        }
        if (uS < 100 * nS) continue;
        userBlocks++;
        const h = scalars(i)[0];
        if (h > 0) present++;
        const U = power(near, i);
        const TR = power(tr, i);
        const TE = power(echo, i);
        const r = arr(i, 5);
        const pt = arr(i, 9);
        const lt = arr(i, 11);
        const nz = arr(i, 10);
        let n1 = 0;
        let n4 = 0;
        let nA = 0;
        for (let q = 0; q < Q; q++) {
          let u = 0;
          let t = 0;
          let te = 0;
          let sr = 0;
          let sl = 0;
          let sp = 0;
          let sn = 0;
          for (let k = Math.max(2, edges[q]); k < edges[q + 1]; k++) {
            u += U[k];
            t += TR[k];
            te += TE[k];
            sr += r[k] * calib;
            sl += lt[k] * calib;
            sp += pt[k] * calib;
            sn += nz[k] * calib;
          }
          acc.uTr[q].push(db(u) - db(t));
          acc.uTe[q].push(db(u) - db(te));
          acc.uR[q].push(db(u) - db(22 * sr));
          acc.uLt[q].push(db(u) - db(4 * sl));
          acc.uPt[q].push(db(u) - db(5 * sp));
          acc.rTr[q].push(db(sr) - db(t));
          acc.ltTr[q].push(db(sl) - db(t));
          acc.ptTr[q].push(db(sp) - db(t));
          const m = Math.max(22 * sr, 4 * sl, 5 * sp);
          dom[q][m === 22 * sr ? 0 : m === 4 * sl ? 1 : 2]++;
          if (u > t + 2 * sn) n1++;
          if (u > 4 * t + 2 * sn) n4++;
          if (u > m + 2 * sn) nA++;
        }
        if (n1 >= 2) over1++;
        if (n4 >= 2) over4++;
        if (nA >= 2) overAllow++;
      }
      const pc = (/** @type {number} */ x) => `${((100 * x) / Math.max(1, userBlocks)).toFixed(0)}%`;
      console.log(
        `  utterance ${(ua / rate).toFixed(2)}-${(ub / rate).toFixed(2)} s: ${opened >= 0 ? `opened ${opened} ms` : 'never'}; ${userBlocks} user blocks; U>TR in >=2 octaves ${pc(over1)}, U>4TR ${pc(over4)}, U>allowance ${pc(overAllow)}, present ${pc(present)}`,
      );
      console.log(
        `    ${'octave'.padEnd(8)}${['U-TR', 'U-TE', 'U-r', 'U-lt', 'U-pt', 'r-TR', 'lt-TR', 'pt-TR'].map((x) => x.padStart(6)).join('')}  max r/lt/pt`,
      );
      const labels = ['<250', '250-500', '500-1k', '1-2k', '2-4k', '>4k'];
      for (let q = 0; q < Q; q++) {
        const cols = ['uTr', 'uTe', 'uR', 'uLt', 'uPt', 'rTr', 'ltTr', 'ptTr'].map((key) => f1(median(acc[key][q])));
        console.log(`    ${labels[q].padEnd(8)}${cols.join('')}  ${dom[q].join('/')}`);
      }
    }

    // The presence test's start emulated on the traced arrays for other allowances (hang, cold rules
    // and MIC_OVER left out): the share of user blocks (every utterance, and the lost ones) and of
    // echo-only blocks (after 2 s) where it would start a presence.
    /** @type {Record<string, (r: number, lt: number, pt: number) => number>} */
    const rules = {
      'max(22r,4lt,5pt) (now)': (r, lt, pt) => Math.max(22 * r, 4 * lt, 5 * pt),
      'max(4r,4lt,5pt)': (r, lt, pt) => Math.max(4 * r, 4 * lt, 5 * pt),
      'max(22r,5pt)': (r, _lt, pt) => Math.max(22 * r, 5 * pt),
      'max(4r,5pt)': (r, _lt, pt) => Math.max(4 * r, 5 * pt),
      'max(4r,4min(lt,2pt),5pt)': (r, lt, pt) => Math.max(4 * r, 4 * (pt > 0 ? Math.min(lt, 2 * pt) : lt), 5 * pt),
      'max(8r,4min(lt,2pt),5pt)': (r, lt, pt) => Math.max(8 * r, 4 * (pt > 0 ? Math.min(lt, 2 * pt) : lt), 5 * pt),
      'max(4r,8pt)': (r, _lt, pt) => Math.max(4 * r, 8 * pt),
      'max(2r,8pt)': (r, _lt, pt) => Math.max(2 * r, 8 * pt),
    };
    const userOf = (/** @type {number} */ i) => {
      let uS = 0;
      let nS = 0;
      let eS = 0;
      for (let t = (i - 1) * B; t < (i + 1) * B; t++) {
        uS += (near[t] ?? 0) ** 2;
        nS += (noise[t] ?? 0) ** 2;
        eS += (echo[t] ?? 0) ** 2;
      }
      return { user: uS >= 100 * nS, quiet: uS < nS, echoed: eS > nS };
    };
    const lostSpans = lostAll.map(([a, b]) => [Math.ceil((a + shift) / B) + 1, Math.floor((b + shift) / B)]);
    const firstEcho = Math.floor((scene.events.echoStart + 2 * rate + shift) / B);
    const Q = edges.length - 1;
    // the true residual over the late echo handed in and over the held tail, per octave, in the echo-only blocks
    const trPt = Array.from({ length: Q }, () => /** @type {number[]} */ ([]));
    const trLt = Array.from({ length: Q }, () => /** @type {number[]} */ ([]));
    for (let i = firstEcho; i < blocks; i += 2) {
      const kind = userOf(i);
      if (!(kind.quiet && kind.echoed)) continue;
      const TR = power(tr, i);
      const pt = arr(i, 9);
      const lt = arr(i, 11);
      for (let q = 0; q < Q; q++) {
        let t = 0;
        let sp = 0;
        let sl = 0;
        for (let k = Math.max(2, edges[q]); k < edges[q + 1]; k++) {
          t += TR[k];
          sp += pt[k] * calib;
          sl += lt[k] * calib;
        }
        if (sp > 0) trPt[q].push(db(t) - db(sp));
        trLt[q].push(db(t) - db(sl));
      }
    }
    const pctl = (/** @type {number[]} */ xs, /** @type {number} */ p) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : Number.NaN;
    };
    console.log('  echo-only blocks, per octave: TR-pt and TR-lt (dB) at the 50th / 90th / 99th percentile');
    for (let q = 0; q < Q; q++) {
      console.log(
        `    octave ${q}: TR-pt ${[0.5, 0.9, 0.99].map((p) => f1(pctl(trPt[q], p))).join('')} (${trPt[q].length}) | TR-lt ${[0.5, 0.9, 0.99].map((p) => f1(pctl(trLt[q], p))).join('')}`,
      );
    }
    for (const [label, rule] of Object.entries(rules)) {
      let nu = 0,
        hu = 0,
        nl = 0,
        hl = 0,
        ne = 0,
        he = 0,
        agree = 0,
        nAll = 0;
      for (let i = 2; i < blocks; i++) {
        const kind = userOf(i);
        const lost = lostSpans.some(([a, b]) => i >= a && i <= b);
        const echoOnly = kind.quiet && kind.echoed && i >= firstEcho;
        if (!kind.user && !echoOnly) continue;
        const pe = arr(i, 0);
        const r = arr(i, 5);
        const pt = arr(i, 9);
        const nz = arr(i, 10);
        const lt = arr(i, 11);
        let total = 0;
        let excess = 0;
        let bands = 0;
        for (let q = 0; q < Q; q++) {
          let bt = 0;
          let bx = 0;
          for (let k = edges[q]; k < edges[q + 1]; k++) {
            const x = Math.max(0, pe[k] - rule(r[k], lt[k], pt[k]) - 2 * nz[k]);
            total += pe[k];
            excess += x;
            if (k >= 2) {
              bt += pe[k];
              bx += x;
            }
          }
          if (bx > 0.05 * bt) bands++;
        }
        const start = excess > 0.2 * total && bands >= 2;
        if (label.endsWith('(now)')) {
          nAll++;
          if (start === scalars(i)[0] > 0) agree++;
        }
        if (kind.user) {
          nu++;
          if (start) hu++;
          if (lost) {
            nl++;
            if (start) hl++;
          }
        } else {
          ne++;
          if (start) he++;
        }
      }
      const pc = (/** @type {number} */ a, /** @type {number} */ b) => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;
      console.log(
        `  rule ${label.padEnd(26)} starts in user blocks ${pc(hu, nu)} (lost utterances ${pc(hl, nl)}), echo-only ${pc(he, ne)}${label.endsWith('(now)') ? ` [agrees with h>0 in ${pc(agree, nAll)}]` : ''}`,
      );
    }
    c.free();
  }
}
