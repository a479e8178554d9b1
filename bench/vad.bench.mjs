// EnergyVad speed, x realtime: processInto (allocation-free) on 10 ms and 20 ms blocks and a 1 s
// buffer at 24 kHz (the session rate) and 48 kHz (a device rate), against WebRTC's VAD
// (@echogarden/fvad-wasm, int16 frames already in its memory: its best case) at 48 kHz and 16 kHz.
// Target (DESIGN.md section 4): <= 0.001 of realtime, i.e. >= 1000x realtime.
// Run alone: npm run build && node bench/vad.bench.mjs
import fvad from '@echogarden/fvad-wasm';
import { EnergyVad } from 'realtime-pcm';
import { runSuite } from './lib.mjs';

/**
 * @param {number} rate
 * @param {number} seconds
 */
function speechLike(rate, seconds) {
  const x = new Float32Array(Math.round(rate * seconds));
  let seed = 1;
  for (let i = 0; i < x.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const env = Math.sin((Math.PI * (i % rate)) / rate) ** 2; // a 1 s "utterance" envelope
    x[i] = 0.1 * env * (seed / 2 ** 32 - 0.5) + 0.001 * Math.sin(i * 0.3);
  }
  return x;
}

const m = await fvad();
/** @type {import('./lib.mjs').BenchCase[]} */
const cases = [];
for (const rate of [24000, 48000]) {
  const signal = speechLike(rate, 2);
  /** @type {Array<[string, number]>} */
  const blocks = [
    ['10 ms', 10],
    ['20 ms', 20],
    ['1 s', 1000],
  ];
  for (const [label, ms] of blocks) {
    const n = (rate * ms) / 1000;
    const vad = new EnergyVad({ sampleRate: rate });
    const types = new Uint8Array(256);
    const times = new Float64Array(256);
    const frames = new Uint8Array(256);
    let at = 0;
    const group = `${rate / 1000} kHz, ${label} blocks`;
    cases.push({
      group,
      impl: 'EnergyVad.processInto (wasm)',
      baseline: true,
      bytes: n * 4,
      seconds: n / rate,
      fn: () => {
        if (at + n > signal.length) at = 0;
        vad.processInto(signal, types, times, frames, at, at + n);
        at += n;
      },
    });
    if (rate === 48000 && ms === 10) {
      for (const fvadRate of [48000, 16000]) {
        const h = m._fvad_new();
        m._fvad_set_mode(h, 2);
        m._fvad_set_sample_rate(h, fvadRate);
        const frame = fvadRate / 100;
        const ptr = m._malloc(frame * 2);
        for (let i = 0; i < frame; i++) m.HEAP16[(ptr >> 1) + i] = Math.round(signal[i] * 32767);
        cases.push({
          group,
          impl: `WebRTC VAD (fvad-wasm) at ${fvadRate / 1000} kHz, 10 ms int16 frame`,
          bytes: n * 4,
          seconds: 0.01,
          fn: () => m._fvad_process(h, ptr, frame),
        });
      }
    }
  }
}
await runSuite('vad', cases);
