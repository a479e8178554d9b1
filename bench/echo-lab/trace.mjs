// The suppressor traced per block and octave on one lab or outside scene (bench/echo-lab.mjs trace),
// against the truth the scene knows: the user (U), the true residual of the linear stage (TR = its
// output minus the user and the noise), the gain's residual as the gain uses it (oR: x22 with no
// user, x1.5 with the user) and the gain applied per octave; then, per 10 ms frame, the output's
// error split into the user's loss, the echo passed and the rest (noise and comfort noise), by
// applying the logged gains to each part alone. To tell, for each dirty double-talk frame, whether
// the suppressor passed echo, took the user, or the linear stage left its error at the user's level
// (aec-dt3). Needs a build with the bench hooks (`hooked`: assembly/bench-hooks.ts writes the
// suppressor's per-block state to a buffer).
// Block lines: time, h (presence hang), p (blocks present), W/c (warm / cold), S (suspect block),
// P (the echo placed), R (the reply's echo rising: the presence judged at the warm x22 while cold),
// ex (mic over the echo bound, dB), xs (unexplained share), bo (octaves showing the user, M: MIC_OVER),
// then per octave (<250, 250-500, ..., >4 kHz Hz) U TR oR gain in dB. Quality only (no timing).
// (aec-open13) ECHO_TRACE_ETA=1: per block and octave |Y|^2, the leakage eta (sum eta |Y|^2 / sum |Y|^2),
// the true ratio TR / |Y|^2, TR and the noise floor, dB; ECHO_TRACE_SPREAD=1: at the end, per octave,
// the quantiles of TR over the residual estimate R (x1) in echo-only blocks of the stretch.
// (aec-lc3e) ECHO_TRACE_SPLIT8=1: at 24 / 48 kHz the top octave as 4-8 kHz and 8 kHz up (a column more).
// (aec-open16) ECHO_TRACE_MIC=1: per block and bin under 600 Hz the mic, the user, the echo at the mic, rho A (the
// presence test's MIC_OVER yardstick), E and R (x1), dB; ECHO_TRACE_COH=1: per octave TR, the part of E coherent with
// the echo estimate Y (|<E Y*>|^2 / <|Y|^2>, smoothed as the suppressor's coherent cap smooths it) and R (x1), dB.
// (cap29) ECHO_TRACE_CAL=1: per block, sums over the bins: E over byRef (max(zeta A, kappa A_flat)), over Y, over N, and E, dB.
// (nudge34) ECHO_TRACE_XS=1: xs (the unexplained share the presence test holds to 0.2 when warm) to 4 decimals.
import { traceScene } from './suppressor-trace.mjs';

/**
 * @param {import('./common.mjs').Lab} lab @param {import('./common.mjs').Build} build
 * @param {{ params: import('./common.mjs').SceneParams, scene: import('./common.mjs').EchoScene, shift: number, t0: number, t1: number }} what
 */
export function trace(lab, build, { params, scene, shift, t0, t1 }) {
  const { c, rate, B, near, noise, echo, out, blocks, scalars, arr, e, tr, spectrum, edges, N2, win, cosT, sinT } = traceScene(build, scene, shift, (d, s) =>
    lab.runCanceller(d, s),
  );
  const power = (/** @type {{re: Float64Array, im: Float64Array}} */ s, /** @type {number} */ k) => s.re[k] ** 2 + s.im[k] ** 2;
  /** The gain block i applied, smoothed over neighbouring bins as the suppressor does. @param {number} i */
  function gainOf(i) {
    const g = arr(i, 8);
    return Float64Array.from({ length: B + 1 }, (_, k) => 0.5 * g[k] + 0.25 * ((k === 0 ? g[0] : g[k - 1]) + (k === B ? g[B] : g[k + 1])));
  }
  const db = (/** @type {number} */ x) => (10 * Math.log10(x + 1e-30)).toFixed(0).padStart(4);
  const iFrom = Math.max(1, Math.floor((t0 * rate + shift) / B) - 2);
  const iTo = Math.min(blocks - 1, Math.ceil((t1 * rate + shift) / B) + 2);

  // per block: the kernel's spectra are unscaled FFTs of the same frames; calibrate on the first live block
  let calib = 0;
  const mix = Float32Array.from(near, (v, n) => v + echo[n] + (noise ? noise[n] : 0));
  console.log(`${lab.sceneName(params)}${shift ? ` +${shift}` : ''}: per block, per octave U TR oR gain (dB)`);
  /** @type {number[][]} per octave, TR over R in dB (ECHO_TRACE_SPREAD) */
  const spread = edges.slice(1).map(() => []);
  for (let i = iFrom; i <= iTo; i++) {
    const ts = (i * B - shift) / rate;
    const h = scalars(i);
    const pe = arr(i, 0);
    const U = spectrum(near, i);
    const T = spectrum(tr, i);
    if (calib === 0) {
      const E = spectrum(e, i);
      let a = 0;
      let b = 0;
      for (let k = 0; k <= B; k++) {
        a += pe[k];
        b += power(E, k);
      }
      if (a > 0) calib = b / a;
    }
    if (ts < t0 || ts > t1) continue;
    const present = h[0] > 0;
    const resid = arr(i, present ? 6 : 7);
    const over = present ? 1.5 : 22;
    const g = arr(i, 8);
    let line = `${ts.toFixed(3)} h${h[0]} p${h[1]} ${h[2] ? 'W' : 'c'}${h[3] ? 'S' : '-'}${h[13] ? 'P' : '-'}${h[5] ? 'R' : '-'} ex${h[4].toFixed(1)} xs${h[12].toFixed(process.env.ECHO_TRACE_XS ? 4 : 2)} bo${h[9]}${h[10] ? 'M' : ''} |`;
    for (let q = 0; q + 1 < edges.length; q++) {
      let u = 0;
      let t = 0;
      let r = 0;
      let passed = 0;
      let total = 0;
      for (let k = edges[q]; k < edges[q + 1]; k++) {
        u += power(U, k);
        t += power(T, k);
        r += over * resid[k] * calib;
        passed += g[k] * g[k] * pe[k];
        total += pe[k];
      }
      line += ` ${db(u)}${db(t)}${db(r)}${db(passed / (total + 1e-30))} |`;
    }
    console.log(line);
    if (process.env.ECHO_TRACE_TERMS) {
      // the residual's terms per octave (x1, dB): TR | eta Y^2, zeta A, kappa A_flat, R (with the decay hold)
      // the residual's hold: dB per 60 dB, from the per-block decay (h[15])
      // then (aec-hall8) the gain's residual with the user x1 (Rn) and the hall's cap on it (HALL_NEAR x the fitted echo; -300: none)
      // and (aec-dtpath2) the held tail `late` (the presence test allows OVER_TAIL x it)
      let terms = `        hold ${Math.round((-60 / (10 * Math.log10(h[15]))) * (B / rate) * 1000)} ms; terms TR|etaY|zA|kAf|R|Rn|cap|late |`;
      for (let q = 0; q + 1 < edges.length; q++) {
        const sums = [0, 0, 0, 0, 0, 0, 0, 0];
        for (let k = edges[q]; k < edges[q + 1]; k++) {
          sums[0] += power(T, k);
          for (let m = 2; m <= 6; m++) sums[m - 1] += arr(i, m)[k] * calib;
          sums[6] += arr(i, 12)[k] * calib;
          sums[7] += arr(i, 11)[k] * calib;
        }
        terms += ` ${sums.map(db).join('')} |`;
      }
      console.log(terms);
    }
    if (process.env.ECHO_TRACE_MIC) {
      // (aec-open16) per bin under 600 Hz: the mic (user + echo + noise), the user, the echo at the mic, and rho A (the
      // echo the reference predicts there, MIC_OVER's yardstick), dB
      const M = spectrum(mix, i);
      const X = spectrum(echo, i);
      let bins = '        bin mic|U|echo|rhoA|E|R |';
      for (let k = 2; (k * rate) / (2 * B) < 600; k++) {
        bins += ` ${Math.round((k * rate) / (2 * B))}:${db(power(M, k))}${db(power(U, k))}${db(power(X, k))}${db(arr(i, 13)[k] * calib)}${db(arr(i, 0)[k] * calib)}${db(arr(i, 5)[k] * calib)} |`;
      }
      console.log(bins);
    }
    if (process.env.ECHO_TRACE_CAL) {
      // (cap29) the block's sums over the bins: E over the reference predictors' estimate byRef (max(zeta A, kappa A_flat)
      // per bin), E over the linear estimate Y, E over the noise floor N, and E itself, dB: AEC_SUSPECT_CAL's yardstick
      let se = 0;
      let sr = 0;
      let sy = 0;
      let sn = 0;
      const pz = arr(i, 3);
      const pk = arr(i, 4);
      const py = arr(i, 1);
      const pn = arr(i, 10);
      for (let k = 0; k < B; k++) {
        se += pe[k];
        sr += Math.max(pz[k], pk[k]);
        sy += py[k];
        sn += pn[k];
      }
      const d1 = (/** @type {number} */ x) => (10 * Math.log10(x + 1e-30)).toFixed(1).padStart(6);
      console.log(`        E/byRef E/Y E/N E | ${d1(se / (sr + 1e-30))}${d1(se / (sy + 1e-30))}${d1(se / (sn + 1e-30))}${d1(se * calib)}`);
    }
    if (process.env.ECHO_TRACE_XCOH) {
      // (coh34) the presence test's excess (array 15: |E|^2 over its echo bound and twice the noise, per bin) split into the
      // part the coherent power |<E Y*>|^2 / <|Y|^2> (array 14) accounts for and the rest, max(0, ex - coh): per octave U, E,
      // ex, coh, the rest, dB, and each's share of the block's E; the block's xs as the test sums it and on the rest only
      let el = 0;
      let xl = 0;
      let il = 0;
      let cl = `        xs ${h[12].toFixed(4)} inc`;
      let cols = '';
      for (let q = 0; q + 1 < edges.length; q++) {
        let u = 0;
        let eo = 0;
        let xo = 0;
        let co = 0;
        let io = 0;
        const E = arr(i, 0);
        const C = arr(i, 14);
        const X = arr(i, 15);
        for (let k = edges[q]; k < edges[q + 1]; k++) {
          u += power(U, k);
          eo += E[k];
          xo += X[k];
          co += Math.min(C[k], E[k]);
          io += Math.max(0, X[k] - C[k]);
        }
        el += eo;
        xl += xo;
        il += io;
        cols += ` ${db(u * 1)}${db(eo * calib)}${db(xo * calib)}${db(co * calib)}${db(io * calib)} ${(xo / (eo + 1e-30)).toFixed(2)}/${(io / (eo + 1e-30)).toFixed(2)} |`;
      }
      cl += ` ${(il / (el + 1e-30)).toFixed(4)} (sum ${(xl / (el + 1e-30)).toFixed(4)}) U|E|ex|coh|inc ex/E inc/E |${cols}`;
      console.log(cl);
    }
    if (process.env.ECHO_TRACE_COH) {
      // (aec-open16) per octave: TR, the part of E coherent with Y (|<E Y*>|^2 / <|Y|^2>, smoothed as the suppressor does), R, dB
      let cl = '        TR|coh|R |';
      for (let q = 0; q + 1 < edges.length; q++) {
        let t = 0;
        let ch = 0;
        let r = 0;
        for (let k = edges[q]; k < edges[q + 1]; k++) {
          t += power(T, k);
          ch += arr(i, 14)[k] * calib;
          r += arr(i, 5)[k] * calib;
        }
        cl += ` ${db(t)}${db(ch)}${db(r)} |`;
      }
      console.log(cl);
    }
    if (process.env.ECHO_TRACE_SPREAD && !present) {
      // (aec-open13) TR over the residual estimate R (x1, dB) per octave in blocks without a presence
      // where the octave holds no user (under -80 dB) and a residual over -45 dB
      for (let q = 0; q + 1 < edges.length; q++) {
        let u = 0;
        let t = 0;
        let r = 0;
        for (let k = edges[q]; k < edges[q + 1]; k++) {
          u += power(U, k);
          t += power(T, k);
          r += arr(i, 5)[k] * calib;
        }
        if (u < 1e-8 && t > 10 ** -4.5) spread[q].push(10 * Math.log10((t + 1e-30) / (r + 1e-30)));
      }
    }
    if (process.env.ECHO_TRACE_ETA) {
      // (aec-open13) the leakage term per octave: |Y|^2, eta (sum eta Y^2 / sum Y^2) and the true ratio
      // (sum TR / sum Y^2), dB: eta stands over the truth where it was learned elsewhere (a reply's tail)
      let etas = '        Y|eta|true|TR|N |';
      for (let q = 0; q + 1 < edges.length; q++) {
        let y = 0;
        let ey = 0;
        let t = 0;
        let nz = 0;
        for (let k = edges[q]; k < edges[q + 1]; k++) {
          y += arr(i, 1)[k] * calib;
          ey += arr(i, 2)[k] * calib;
          t += power(T, k);
          nz += arr(i, 10)[k] * calib;
        }
        etas += ` ${db(y)}${db(ey / (y + 1e-30))}${db(t / (y + 1e-30))}${db(t)}${db(nz)} |`;
      }
      console.log(etas);
    }
  }

  // per 10 ms frame: ISTFT(G STFT(part)) for the user and the true residual alone
  /** @param {Float32Array} x @param {boolean} gained */
  function synthesize(x, gained) {
    const y = new Float64Array(x.length + N2);
    for (let i = iFrom; i <= iTo; i++) {
      const s = spectrum(x, i);
      const G = gained ? gainOf(i) : null;
      for (let t = 0; t < N2; t++) {
        let v = 0;
        for (let k = 0; k <= B; k++) {
          const w = k === 0 || k === B ? 1 : 2;
          const gk = G ? G[k] : 1;
          v += w * gk * (s.re[k] * cosT[k * N2 + t] - s.im[k] * sinT[k * N2 + t]);
        }
        const n = (i - 1) * B + t;
        if (n >= 0 && n < y.length) y[n] += (v / N2) * win[t];
      }
    }
    return y;
  }
  const userGained = synthesize(near, true);
  const userAlone = synthesize(near, false);
  const residGained = synthesize(tr, true);
  const F = rate / 100;
  console.log('frame  user out-user  loss echo-passed rest | linear-user | echo');
  for (let k = Math.ceil(t0 * 100); (k + 1) * F <= scene.mic.length && k < t1 * 100; k++) {
    let u = 0;
    let d = 0;
    let loss = 0;
    let passed = 0;
    let rest = 0;
    let lin = 0;
    let ec = 0;
    for (let n = k * F + shift; n < (k + 1) * F + shift; n++) {
      u += near[n] ** 2;
      ec += echo[n] ** 2;
      d += (out[n] - near[n]) ** 2;
      loss += (userGained[n] - userAlone[n]) ** 2;
      passed += residGained[n] ** 2;
      rest += (out[n] - userGained[n] - residGained[n]) ** 2;
      lin += (e[n] - near[n]) ** 2;
    }
    console.log(
      `${(k / 100).toFixed(2)} ${db(u)} ${db(d)} ${db(loss)} ${db(passed)} ${db(rest)} | ${db(lin)} | ${db(ec)}${d * 10 > u && u > 10 * ec ? ' dirty' : ''}`,
    );
  }
  if (process.env.ECHO_TRACE_SPREAD) {
    // how far the true residual stands over the estimate in echo-only blocks: the far-end-only gain's
    // overestimation (x22, 13.4 dB) must cover the upper tail, not the median
    const at = (/** @type {number[]} */ a, /** @type {number} */ p) => a[Math.min(a.length - 1, Math.floor(p * a.length))];
    console.log('TR over R (x1), dB, echo-only blocks per octave: n median p90 p99 max');
    spread.forEach((a, q) => {
      a.sort((x, y) => x - y);
      const f = (/** @type {number | undefined} */ x) => (x === undefined ? '-' : x.toFixed(1)).padStart(6);
      console.log(`  octave ${q}: ${String(a.length).padStart(5)}${f(at(a, 0.5))}${f(at(a, 0.9))}${f(at(a, 0.99))}${f(a[a.length - 1])}`);
    });
  }
  c.free();
}
