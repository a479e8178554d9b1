// Calls whose output device switches mid-call (switch21): the user connects Bluetooth earbuds or a
// speaker, or the OS moves the output to another device, so the echo's delay jumps by +100..+300 ms
// (from the changes group's 120 ms to 220-420 ms) or back by -100..-200 ms (from a Bluetooth-like 320 ms
// to 220 / 120 ms), at 5 or 11 s into the lab's call script (the user over the assistant's reply), the
// new path the same room response delayed or another (`move`); and the echo gone for 10 s (headphones
// plugged in, 3-13 s into the cold-start script's two replies) then back on the same path. In the
// laptop, desk and kiosk rooms at 12 dB echo return loss, the canceller at its defaults (maxDelayMs
// 250, the widened search past it). The lab's own path changes (changes.mjs) are +-30..40 ms; WebKit's
// late unmute (muted20: the re-enabled track 75-268 ms late) is a jump of this kind.
// Scene group `switch` / `switch24` of bench/echo-lab/common.mjs selectScenes (16 / 24 kHz); the
// `switch` subcommand of bench/echo-lab.mjs prints them as `changes` does (the users after the change).

const ROOMS = /** @type {const} */ (['laptop', 'desk', 'kiosk']);
/** The jumps, ms, and the delay each starts from. */
const JUMPS = [
  { delayMs: 120, shiftMs: 100 },
  { delayMs: 120, shiftMs: 200 },
  { delayMs: 120, shiftMs: 300 },
  { delayMs: 320, shiftMs: -100 },
  { delayMs: 320, shiftMs: -200 },
];
const AT_S = [5, 11];

/**
 * The calls' scene parameters, in the order they run.
 * @param {number[]} rates @param {number[]} erls @returns {import('./common.mjs').SceneParams[]}
 */
export function switchCalls(rates, erls) {
  /** @type {import('./common.mjs').SceneParams[]} */
  const list = [];
  for (const sampleRate of rates) {
    for (const room of ROOMS) {
      for (const erlDb of erls) {
        for (const { delayMs, shiftMs } of JUMPS) {
          for (const atS of AT_S) {
            for (const move of [false, true]) {
              list.push({ room, sampleRate, delayMs, erlDb, script: 'call', pathChange: { atS, move, shiftMs }, seed: 7 + atS });
            }
          }
        }
        list.push({ room, sampleRate, delayMs: 120, erlDb, script: 'cold-start', gone: { fromS: 3, toS: 13 }, seed: 5 });
      }
    }
  }
  return list;
}
