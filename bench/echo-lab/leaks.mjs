// The metric's audible leaks, frame by frame: the settled (2 s after the echo starts) 10 ms frames
// with echo and no user whose output is over -50 dBFS (test/helpers/echo-metrics.ts's reading), for
// the bench scripts that list where a scene leaks (leak-frames, echo-jitter-node, echo-quiet-trace).

/**
 * @param {ArrayLike<number>} out the canceller's output, aligned with the scene's mic
 * @param {any} scene a lab scene (`sampleRate`, `mic`, `near`, `echo`, `noise`, `labels`, `events`)
 * @returns {{ seconds: number, outPower: number, echoPower: number }[]} mean powers over the frame
 */
export function leakFrames(out, scene) {
  const size = scene.sampleRate / 100;
  const start = Math.floor(scene.events.echoStart / size);
  const list = [];
  for (let k = start + 200; (k + 1) * size <= scene.mic.length; k++) {
    let n = 0;
    let e = 0;
    let z = 0;
    let p = 0;
    let cover = 0;
    for (let i = k * size; i < (k + 1) * size; i++) {
      n += scene.near[i] ** 2;
      e += scene.echo[i] ** 2;
      z += scene.noise[i] ** 2;
      p += out[i] ** 2;
    }
    for (const [a, b] of scene.labels.near) cover += Math.max(0, Math.min(b, (k + 1) * size) - Math.max(a, k * size));
    const echoPresent = scene.labels.echo.some((/** @type {number[]} */ [a, b]) => a < (k + 1) * size && b > k * size) || e > z;
    const userActive = cover > 0 || n > z;
    if (echoPresent && !userActive && p / size > 1e-5) list.push({ seconds: k / 100, outPower: p / size, echoPower: e / size });
  }
  return list;
}
