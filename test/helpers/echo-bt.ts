// A Bluetooth speaker's playout for the echo scenes (aec-bt; test/helpers/echo-scenes.ts builds the
// scene around it): what the speaker plays when the assistant goes out through a Bluetooth speaker,
// earbuds or a car's hands-free, instead of a wired one. Three things differ from the lab's speaker:
//
// - Delay. Codec, radio and the sink's jitter buffer add 100-300 ms on top of the browser's own
//   output latency: "music-quality" A2DP is about 200 ms and more end to end, SBC around 100-150 ms
//   in hardware alone (Silicon Labs, cited at
//   https://hmijailblog.blogspot.com/2019/12/bluetooth-audio-latency-codecs-when.html); a WICED
//   sink's jitter buffer alone is 116 ms by default, 50 ms at the least (Cypress KBA228264,
//   https://community.cypress.com/docs/DOC-18090); poorly designed speakers buffer more
//   (https://searanllc.com/audio-latency-using-sbc-codec/). The scenes take 280-420 ms from the
//   reference to the speaker (the scene's `delayMs`), over the default `maxDelayMs` (250).
// - The codec. SBC (A2DP) and mSBC (HFP wideband, 16 kHz) split the signal into 8 subbands and
//   quantize each with the bits its scale factor earns, so the coding noise follows the signal's
//   spectrum band by band and block by block, and a band given no bits is silent (the top bands at
//   low bitpools: the lowpass). Modelled, not coded: a zero-phase lowpass (Kaiser-windowed sinc)
//   at `lowpassHz`, then per STFT frame (16 ms, hop 8 ms, sqrt-Hann analysis and synthesis: exact
//   reconstruction without the noise) and per one of 8 equal subbands of the scene's band,
//   Gaussian noise `codecSnrDb` under the frame's power in that subband (seeded): uncorrelated with
//   the reference, so no linear filter can remove it. 20-30 dB: SBC / AAC at typical bitpools.
// - The clock. The speaker's clock is not the mic's: the played stream is the reference resampled
//   by 1 + driftPpm / 1e6 (./echo-drift's windowed-sinc interpolator), so the echo comes earlier
//   (> 0) or later (< 0) by driftPpm x the time into the call (100 ppm: 2 ms over a 20 s scene).
// With `codec` (aec-sbc, aec-codecs) the real codec instead of the model (./echo-codec: BlueZ's SBC
// (A2DP SBC or HFP mSBC), LE Audio's LC3, A2DP's AAC; `lowpassHz` and `codecSnrDb` unused): the reply coded at the source's clock,
// then played at the speaker's (the drift after the codec, as a sink's DAC plays the decoded stream).
// Independent of the code under test (double precision, its own FFT: ./echo-sources).
import { resampleAt } from './echo-drift.js';
import { besselI0, convolve, fft } from './echo-sources.js';
import { rng } from './random.js';
import { type BtCodec, codecCoded } from './echo-codec.js';

export interface BluetoothPlayout {
  /** Speaker clock against the mic's, ppm (> 0: the echo comes earlier over time). */
  driftPpm: number;
  /** Coding noise under the signal, per subband and frame, dB (20-30: SBC / AAC). */
  codecSnrDb: number;
  /** The codec's bandwidth, Hz (at or over the scene's Nyquist: none). */
  lowpassHz: number;
  /** The real codec instead of the model (./echo-codec; needs its tools and sox): `codecSnrDb` and `lowpassHz` unused. */
  codec?: BtCodec;
}

const SUBBANDS = 8;
const LOWPASS_HALF_TAPS = 64;
const SYNTHESIS_LOSS = 0.75;

/** `x` through a zero-phase lowpass at `cutoffHz` (Kaiser beta 8, 2 x LOWPASS_HALF_TAPS + 1 taps); `x` itself when the cutoff is at or over Nyquist. */
export function lowpass(x: Float64Array, sampleRate: number, cutoffHz: number): Float64Array {
  if (cutoffHz >= sampleRate / 2) return x;
  const fc = cutoffHz / sampleRate;
  const h = new Float64Array(2 * LOWPASS_HALF_TAPS + 1);
  const i0 = besselI0(8);
  let sum = 0;
  for (let k = -LOWPASS_HALF_TAPS; k <= LOWPASS_HALF_TAPS; k++) {
    const r = k / (LOWPASS_HALF_TAPS + 1);
    const sinc = k === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * k) / (Math.PI * k);
    h[k + LOWPASS_HALF_TAPS] = (sinc * besselI0(8 * Math.sqrt(1 - r * r))) / i0;
    sum += h[k + LOWPASS_HALF_TAPS]!;
  }
  for (let k = 0; k < h.length; k++) h[k]! /= sum;
  // zero phase: the causal convolution read LOWPASS_HALF_TAPS samples on
  return convolve(x, h, x.length + LOWPASS_HALF_TAPS).subarray(LOWPASS_HALF_TAPS);
}

/**
 * The coding noise alone for `x` (already lowpassed): per 16 ms frame (hop 8 ms) and per one of 8
 * equal subbands, Gaussian noise `snrDb` under the frame's power there. Seeded; add it to `x`.
 */
export function codingNoise(x: Float64Array, sampleRate: number, snrDb: number, seed: number): Float64Array {
  const random = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  let n = 1;
  while (n < sampleRate * 0.016) n <<= 1;
  const hop = n / 2;
  const w = Float64Array.from({ length: n }, (_, i) => Math.sqrt(0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n))); // periodic sqrt-Hann: w^2 sums to 1 at hop n/2
  let windowEnergy = 0;
  for (const v of w) windowEnergy += v * v;
  const band = (k: number) => Math.min(SUBBANDS - 1, Math.floor((Math.min(k, n - k) * SUBBANDS) / (n / 2)));
  const out = new Float64Array(x.length);
  const xr = new Float64Array(n);
  const xi = new Float64Array(n);
  const zr = new Float64Array(n);
  const zi = new Float64Array(n);
  const power = new Float64Array(SUBBANDS);
  const bins = new Float64Array(SUBBANDS);
  const scale = 10 ** (-snrDb / 10);
  for (let at = -hop; at < x.length; at += hop) {
    for (let i = 0; i < n; i++) {
      const t = at + i;
      xr[i] = t >= 0 && t < x.length ? w[i]! * x[t]! : 0;
      xi[i] = 0;
      zr[i] = w[i]! * gauss();
      zi[i] = 0;
    }
    fft(xr, xi, false);
    fft(zr, zi, false);
    power.fill(0);
    bins.fill(0);
    for (let k = 0; k < n; k++) {
      power[band(k)]! += xr[k]! * xr[k]! + xi[k]! * xi[k]!;
      bins[band(k)]! += 1;
    }
    for (let k = 0; k < n; k++) {
      const b = band(k);
      // E|Z(k)|^2 = windowEnergy for unit white noise: scaled to the band's mean |X(k)|^2 x 10^(-snr/10),
      // over SYNTHESIS_LOSS (the synthesis window on noise: hann^2 over two overlapping frames, 0.75 on average)
      const g = Math.sqrt((scale * power[b]!) / bins[b]! / windowEnergy / SYNTHESIS_LOSS);
      zr[k]! *= g;
      zi[k]! *= g;
    }
    fft(zr, zi, true);
    for (let i = 0; i < n; i++) {
      const t = at + i;
      if (t >= 0 && t < x.length) out[t]! += (w[i]! * zr[i]!) / n;
    }
  }
  return out;
}

/**
 * What a Bluetooth speaker plays, `length` samples: the reference `delaySamples` later, resampled
 * by the speaker's clock (1 + driftPpm / 1e6), through the codec (lowpass and coding noise).
 */
export function bluetoothPlayed(
  reference: Float32Array,
  delaySamples: number,
  sampleRate: number,
  bt: BluetoothPlayout,
  seed: number,
  length: number,
): Float64Array {
  if (bt.codec) return resampleAt(codecCoded(reference, sampleRate, bt.codec), 1 + bt.driftPpm / 1e6, delaySamples, length);
  const clocked = resampleAt(reference, 1 + bt.driftPpm / 1e6, delaySamples, length);
  const band = lowpass(clocked, sampleRate, bt.lowpassHz);
  const noise = codingNoise(band, sampleRate, bt.codecSnrDb, seed * 31337 + 5);
  for (let t = 0; t < length; t++) band[t]! += noise[t]!;
  return band;
}

/** The scene name's part for a Bluetooth playout, e.g. `bt +50ppm 25dB 7k` (the real codec: `bt +50ppm sbc32`). */
export function bluetoothName(bt: BluetoothPlayout, sampleRate: number): string {
  if (bt.codec) return `bt ${bt.driftPpm > 0 ? '+' : ''}${bt.driftPpm}ppm ${bt.codec}`;
  const lp = bt.lowpassHz < sampleRate / 2 ? ` ${bt.lowpassHz / 1000}k` : '';
  return `bt ${bt.driftPpm > 0 ? '+' : ''}${bt.driftPpm}ppm ${bt.codecSnrDb}dB${lp}`;
}
