// EchoGate speed, x realtime: pushReference + processInto (allocation-free) on 10 ms and 20 ms
// blocks, 128-frame render quanta and a 1 s buffer, at 24 kHz and 48 kHz, with the far end playing
// (the gate estimating delay and echo level) and with nothing playing (transparent path).
// Target (DESIGN.md section 4): <= 0.002 of realtime, i.e. >= 500x realtime.
// Run alone: npm run build && node bench/echo-gate.bench.mjs
import { EchoGate } from 'realtime-pcm';
import { runSuite } from './lib.mjs';

/**
 * @param {number} rate
 * @param {number} seconds
 */
function signals(rate, seconds) {
  const n = Math.round(rate * seconds);
  const far = new Float32Array(n);
  const mic = new Float32Array(n);
  let seed = 7;
  const d = Math.round(0.08 * rate);
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const env = i % Math.round(0.3 * rate) < 0.2 * rate ? 1 : 0; // 200 ms bursts, 100 ms gaps
    far[i] = 0.1 * env * (seed / 2 ** 32 - 0.5);
    mic[i] = (i >= d ? 0.1 * far[i - d] : 0) + 1e-4 * Math.sin(i);
  }
  return { far, mic };
}

/** @type {import('./lib.mjs').BenchCase[]} */
const cases = [];
for (const rate of [24000, 48000]) {
  const { far, mic } = signals(rate, 2);
  /** @type {Array<[string, number]>} */
  const blocksOf = [
    ['10 ms', rate / 100],
    ['20 ms', rate / 50],
    ['128-frame quantum', 128],
    ['1 s', rate],
  ];
  for (const [label, n] of blocksOf) {
    for (const playing of [true, false]) {
      const gate = new EchoGate({ sampleRate: rate });
      const refBlock = new Float32Array(n);
      const micBlock = new Float32Array(n);
      const out = new Float32Array(n);
      const blocks = Math.floor(far.length / n);
      let k = 0;
      // Copies made once per block position up front would allocate; instead cycle through views
      // made here, outside the measured function.
      /** @type {Float32Array[]} */
      const farViews = [];
      /** @type {Float32Array[]} */
      const micViews = [];
      for (let b = 0; b < blocks; b++) {
        farViews.push(playing ? far.subarray(b * n, (b + 1) * n) : refBlock);
        micViews.push(mic.subarray(b * n, (b + 1) * n));
      }
      micBlock.set(micViews[0]);
      cases.push({
        group: `${rate / 1000} kHz, ${label}`,
        impl: playing ? 'pushReference + processInto, far end playing' : 'pushReference + processInto, silent reference',
        baseline: playing,
        bytes: n * 4,
        seconds: n / rate,
        fn: () => {
          gate.pushReference(farViews[k]);
          gate.processInto(micViews[k], out);
          k = k + 1 === blocks ? 0 : k + 1;
        },
      });
    }
  }
}
await runSuite('echo-gate', cases);
