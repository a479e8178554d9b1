// The canceller's own reading of the echo it removes (EchoCanceller.echoReductionDb, echoOnlyMs:
// aec-stats4; what AdapterStats, the level reports and getStats() carry), against the truth the lab
// measures from each scene's parts (test/helpers/echo-metrics.ts echoReductionTruth: single talk's
// frames, echo only by the labels, E(echo) over E(output) smoothed as the reading smooths): a
// well-cancelled room (the desk's call, the kiosk's cold start), rooms where little is removed
// (the laptop's cold start at 30 dB over a -60 dBFS mic noise: its noise ceiling ~10 dB; the hall,
// RT60 4.5 s, at 30 dB) and a Bluetooth speaker's 420 ms call, read within READ_DB of the truth, far
// over the linear filter's erleDb; and the case the reading cannot see, held as measured: the desk's
// compressed (two-band) cold start at 6 dB, whose leaks come from a presence the suppressor took from
// the echo (What is still weak), reads high. (The kiosk's Bluetooth call at 420 ms 6 dB held this
// before aec-bt10 mended its false presence: 41.9 dB against 22.7 then.) Without a canceller the readings are null
// (test/transport/adapter-echo.test.ts). Cost: 6 scenes at 16 kHz, ~15 s.
import { describe, expect, it } from 'vitest';
import { bluetoothGroup, drcGroup, echoGrid, outsideGroup } from '../helpers/echo-grid.js';
import { echoReductionTruth, measureEcho } from '../helpers/echo-metrics.js';
import { runOurs } from '../helpers/echo-ours.js';
import { buildScene, sceneName, type SceneParams } from '../helpers/echo-scenes.js';

/** The reading's smoothing, s (assembly/aec-readings.ts READING_S): the truth is smoothed the same way. */
const TAU_S = 3;
/** How near the truth the reading must be, dB (measured gaps on these scenes: -0.7..+3.5; over the 16 kHz lab's 69 scenes -3.1..+4.1). */
const READ_DB = 4;

const groups = [...echoGrid('test', 16000), outsideGroup(16000), bluetoothGroup(16000), drcGroup(16000)];
function params(name: string): SceneParams {
  for (const g of groups) for (const p of g.scenes) if (sceneName(p) === name) return p;
  throw new Error(`no scene ${name}`);
}

function read(name: string) {
  const scene = buildScene(params(name));
  const run = runOurs(scene);
  const truth = echoReductionTruth(scene, run.output, TAU_S);
  const figures = measureEcho(scene, run.output, 'EchoCanceller');
  console.log(
    `${name}: echoReductionDb ${run.readings.echoReductionDb.toFixed(1)} dB over ${run.readings.echoOnlyMs.toFixed(0)} ms; truth ${truth.smoothedDb.toFixed(1)} dB smoothed (single talk ${figures.singleTalk.reductionDb.toFixed(1)} dB, leaks ${(100 * figures.singleTalk.leakShare).toFixed(1)}%); erleDb ${run.readings.erleDb.toFixed(1)}`,
  );
  return { ...run.readings, truthDb: truth.smoothedDb, singleTalkMs: truth.singleTalkMs };
}

describe('echoReductionDb against the truth', () => {
  it.each([
    ['desk 16k call 120ms 6dB', 'well cancelled'],
    ['kiosk 16k cold-start 60ms 18dB', 'well cancelled, a cold start'],
    ['laptop 16k cold-start 60ms 30dB noise -60', 'little removed: the mic noise ceiling'],
    ['sox-large 16k cold-start 60ms 30dB', 'the hall (RT60 4.5 s)'],
    ['laptop 16k call 420ms 6dB bt +100ppm 20dB 7k', 'a Bluetooth speaker, past the default maxDelayMs'],
  ])('%s (%s): within READ_DB of the truth, over seconds of echo-only blocks', (name) => {
    const r = read(name);
    expect(Math.abs(r.echoReductionDb - r.truthDb)).toBeLessThanOrEqual(READ_DB);
    expect(r.echoOnlyMs).toBeGreaterThan(2000);
    expect(r.echoOnlyMs).toBeLessThanOrEqual(r.singleTalkMs * 1.25); // (it judges no more echo-only time than there is)
    expect(r.echoReductionDb).toBeGreaterThan(r.erleDb + 5); // the suppressor's part, which erleDb misses
  });

  it('the desk compressed (two-band) 6 dB cold start reads high: its leaks pass in a presence the suppressor took from the echo, which no reading of echo-only blocks sees (measured 43.9 dB against 27.9)', () => {
    const r = read('desk 16k cold-start 60ms 6dB drc two-band');
    expect(r.echoReductionDb - r.truthDb).toBeGreaterThan(10);
  });
});
