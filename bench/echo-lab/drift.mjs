// Calls of the drift test (test/quality/echo-drift.test.ts) for one or more builds side by side
// (bench/echo-lab.mjs drift), without running the whole test: per 30 s window the lab's figures
// (single talk dB, leaks, double talk clean) and the path changes, and optionally a trace (every
// `traceEvery` 10 ms blocks) of a stretch (the canceller's ERLE, the echo and the output's power, its
// delay, skew and path changes). A call is room:ppm:seconds[:jumpAtS] (a 40 ms jump at jumpAtS;
// 16 kHz unless ':24k' is appended; the drift test's other parameters). Quality only (no timing).
/** The figures' window, s (ECHO_DRIFT_WINDOW_S: shorter to find where a 30 s window loses). */
const WINDOW_S = Number(process.env.ECHO_DRIFT_WINDOW_S ?? 30);
const db = (/** @type {number} */ x) => (10 * Math.log10(x + 1e-20)).toFixed(1);
const pct = (/** @type {number} */ x) => `${(100 * x).toFixed(1)}%`;

/**
 * The drift test's parameters for `room:ppm:seconds[:jumpAtS][:24k]` (60 ms, 18 dB, seed 3; a 40 ms
 * playout jump at jumpAtS): shared with bench/echo-path-trace.mjs.
 * @param {string} spec @returns {any}
 */
export function driftParams(spec) {
  const [room, ppm, seconds, fourth, fifth] = spec.split(':');
  const jumpAt = fourth && fourth !== '24k' ? Number(fourth) : undefined;
  const sampleRate = fourth === '24k' || fifth === '24k' ? 24000 : 16000;
  return {
    sampleRate,
    delayMs: 60,
    erlDb: 18,
    seed: 3,
    room,
    driftPpm: Number(ppm),
    seconds: Number(seconds),
    ...(jumpAt ? { jump: { ms: 40, atS: jumpAt } } : {}),
  };
}

/**
 * @param {import('./common.mjs').Lab} lab @param {import('./common.mjs').Build[]} builds
 * @param {{ calls: string[], trace?: number[], traceEvery: number }} opts
 */
export function drift(lab, builds, { calls, trace, traceEvery }) {
  for (const spec of calls) {
    const params = driftParams(spec);
    const { sampleRate } = params;
    const jumpAt = params.jump?.atS;
    const scene = lab.buildDriftScene(params);
    for (const build of builds) {
      const aec = new build.lib.EchoCanceller({ sampleRate });
      const block = sampleRate / 100;
      /** @type {string[]} */
      const lines = [];
      let blocks = 0;
      let echoPow = 0;
      let outPow = 0;
      let powSamples = 0;
      /** @type {number[]} */
      const changesAt = [];
      let changes = 0;
      const c = {
        name: 'EchoCanceller',
        sampleRate,
        latencySamples: aec.latencySamples,
        blockSamples: block,
        /** @param {Float32Array} reference @param {Float32Array} mic @param {Float32Array} output */
        process(reference, mic, output) {
          aec.pushReference(reference);
          aec.processInto(mic, output);
          const t = blocks * block;
          blocks++;
          if (aec.pathChanges !== changes) {
            changes = aec.pathChanges;
            changesAt.push(blocks / 100);
          }
          if (trace && blocks / 100 > trace[0] && blocks / 100 <= trace[1]) {
            powSamples += block;
            for (let i = 0; i < block; i++) {
              echoPow += scene.echo[t + i] ** 2;
              outPow += output[i] ** 2;
            }
            if (blocks % traceEvery === 0) {
              lines.push(
                `${(blocks / 100).toFixed(1)} erle ${aec.erleDb.toFixed(1)} echo ${db(echoPow / powSamples)} out ${db(outPow / powSamples)} delay ${aec.delayMs.toFixed(1)} skew ${aec.clockSkewPpm.toFixed(1)} changes ${aec.pathChanges}`,
              );
              echoPow = outPow = powSamples = 0;
            }
          }
        },
      };
      const output = lab.runCanceller(c, scene);
      aec.free();
      const windows = [];
      for (let from = 0; from + WINDOW_S <= params.seconds; from += WINDOW_S) {
        const w = lab.sceneWindow(scene, output, from, from + WINDOW_S);
        const f = lab.measureEcho(w.scene, w.output, 'EchoCanceller');
        windows.push(
          `${from}-${from + WINDOW_S}: ${f.singleTalk.reductionDb.toFixed(1)} dB (ceiling ${f.singleTalk.ceilingDb.toFixed(1)}) ${pct(f.singleTalk.leakShare)} dt ${pct(f.doubleTalk.cleanShare)}`,
        );
      }
      if (jumpAt) {
        const w = lab.sceneWindow(scene, output, jumpAt + 2, params.seconds);
        const f = lab.measureEcho(w.scene, w.output, 'EchoCanceller');
        windows.push(`after the jump: ${f.singleTalk.reductionDb.toFixed(1)} dB ${pct(f.singleTalk.leakShare)} dt ${pct(f.doubleTalk.cleanShare)}`);
      }
      console.log(
        `${lab.driftSceneName(params)} [${build.label}] path changes at ${changesAt.map((s) => s.toFixed(2)).join(' ') || '-'}\n  ${windows.join('\n  ')}`,
      );
      if (lines.length) console.log(lines.join('\n'));
    }
  }
}
