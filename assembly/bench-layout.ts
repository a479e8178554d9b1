// A measurement, not a kernel of the library (bench/aec-layout.mjs compiles and times it): the filters'
// pass and the Kalman update of ./aec-step, as its copies specialised for K = 260 (24 kHz) run them
// (every offset an immediate, one run of partitions), in two layouts of a spectrum: split (re[K]
// then im[K], the canceller's) and interleaved per 4 bins (re[4] im[4] re[4] im[4] ...: the
// imaginary part at a constant +16 bytes). The same operations in the same order in both.
// Latency: none.
const K: i32 = 260;
const KB: usize = 260 * 4; // the split layout's imaginary offset, bytes
const STRIDE: usize = 2 * KB; // a spectrum, bytes (both layouts)

/** Bytes of memory for the benchmark's arrays (never freed). */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

// split: im at +KB; interleaved: bin group j's re at 32 j, im at 32 j + 16
// @ts-ignore
@inline function reOff<L>(j: i32): usize { return sizeof<L>() == 1 ? <usize>j << 2 : <usize>j << 3; }
// @ts-ignore
@inline function imImm<L>(): usize { return sizeof<L>() == 1 ? KB : 16; }

// @ts-ignore
@inline function pass<L>(wb: usize, wf: usize, yb: usize, yf: usize, x: usize, p: usize, m: i32, q: usize, out: usize, xw: usize, xf: usize): void {
  const IM = imImm<L>();
  const invM = f32x4.splat(<f32>1 / <f32>m);
  const pstride = <usize>K << 2;
  for (let j = 0; j < K; j += 4) {
    const o = reOff<L>(j);
    const op = <usize>j << 2;
    let acc = f32x4.splat(0);
    let accw = f32x4.splat(0);
    let accf = f32x4.splat(0);
    let br = f32x4.splat(0);
    let bi = f32x4.splat(0);
    let fr = f32x4.splat(0);
    let fi = f32x4.splat(0);
    let xp = x + o;
    let wo = o;
    let pp = p + op;
    for (let i = 0; i < m; i++) {
      const xr = v128.load(xp);
      const xi = v128.load(xp, IM);
      const wbr = v128.load(wb + wo);
      const wbi = v128.load(wb + wo, IM);
      br = f32x4.add(br, f32x4.sub(f32x4.mul(wbr, xr), f32x4.mul(wbi, xi)));
      bi = f32x4.add(bi, f32x4.add(f32x4.mul(wbr, xi), f32x4.mul(wbi, xr)));
      const wfr = v128.load(wf + wo);
      const wfi = v128.load(wf + wo, IM);
      fr = f32x4.add(fr, f32x4.sub(f32x4.mul(wfr, xr), f32x4.mul(wfi, xi)));
      fi = f32x4.add(fi, f32x4.add(f32x4.mul(wfr, xi), f32x4.mul(wfi, xr)));
      const px = f32x4.add(f32x4.mul(xr, xr), f32x4.mul(xi, xi));
      acc = f32x4.add(acc, f32x4.mul(v128.load(pp), px));
      accw = f32x4.add(accw, f32x4.mul(v128.load32_splat(q + (<usize>i << 2)), px));
      accf = f32x4.add(accf, px);
      pp += pstride;
      wo += STRIDE;
      xp += STRIDE;
    }
    v128.store(yb + o, br);
    v128.store(yb + o, bi, IM);
    v128.store(yf + o, fr);
    v128.store(yf + o, fi, IM);
    v128.store(out + op, acc);
    v128.store(xw + op, accw);
    v128.store(xf + op, f32x4.mul(accf, invM));
  }
}

// @ts-ignore
@inline function update<L>(w: usize, x: usize, p: usize, m: i32, gRe: usize, gIm: usize, invT: usize, scale: usize, lambda: f32, info: f32, floor: f32, capAll: f32): void {
  const IM = imImm<L>();
  const pstride = <usize>K << 2;
  const vLambda = f32x4.splat(lambda);
  const one = f32x4.splat(1);
  const vInfo = f32x4.splat(info);
  const fl = f32x4.splat(floor);
  const cap = f32x4.splat(capAll);
  for (let j = 0; j < K; j += 4) {
    const o = reOff<L>(j);
    const op = <usize>j << 2;
    const gr = v128.load(gRe + op);
    const gi = v128.load(gIm + op);
    const sc = v128.load(scale + op);
    const it = v128.load(invT + op);
    let xp = x + o;
    let wp = w + o;
    let pp = p + op;
    for (let q = 0; q < m; q++) {
      const xr = v128.load(xp);
      const xi = v128.load(xp, IM);
      const pv = f32x4.mul(v128.load(pp), sc);
      const ur = f32x4.mul(pv, f32x4.add(f32x4.mul(xr, gr), f32x4.mul(xi, gi)));
      const ui = f32x4.mul(pv, f32x4.sub(f32x4.mul(xr, gi), f32x4.mul(xi, gr)));
      const wr = f32x4.add(v128.load(wp), ur);
      const wi = f32x4.add(v128.load(wp, IM), ui);
      v128.store(wp, wr);
      v128.store(wp, wi, IM);
      const px = f32x4.mul(pv, f32x4.add(f32x4.mul(xr, xr), f32x4.mul(xi, xi)));
      const keep = f32x4.sub(one, f32x4.mul(vInfo, f32x4.mul(px, it)));
      const drift = f32x4.add(f32x4.mul(vLambda, f32x4.add(f32x4.mul(wr, wr), f32x4.mul(wi, wi))), fl);
      v128.store(pp, f32x4.pmin(f32x4.add(f32x4.mul(pv, keep), drift), cap));
      wp += STRIDE;
      pp += pstride;
      xp += STRIDE;
    }
  }
}

export function passSplit(wb: usize, wf: usize, yb: usize, yf: usize, x: usize, p: usize, m: i32, q: usize, out: usize, xw: usize, xf: usize): void { pass<u8>(wb, wf, yb, yf, x, p, m, q, out, xw, xf); }
export function passInter(wb: usize, wf: usize, yb: usize, yf: usize, x: usize, p: usize, m: i32, q: usize, out: usize, xw: usize, xf: usize): void { pass<u16>(wb, wf, yb, yf, x, p, m, q, out, xw, xf); }
export function updateSplit(w: usize, x: usize, p: usize, m: i32, gRe: usize, gIm: usize, invT: usize, scale: usize): void { update<u8>(w, x, p, m, gRe, gIm, invT, scale, 1e-5, 0.9, 1e-9, 10); }
export function updateInter(w: usize, x: usize, p: usize, m: i32, gRe: usize, gIm: usize, invT: usize, scale: usize): void { update<u16>(w, x, p, m, gRe, gIm, invT, scale, 1e-5, 0.9, 1e-9, 10); }
