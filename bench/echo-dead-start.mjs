// A canceller started on a dead mic (deadmic19): for each room and seed, the soak's schedule
// (test/helpers/echo-soak.ts) in that room alone, a fresh EchoCanceller from its first mic-zero segment
// (250 s: the mic all zeros for 10 s while replies play, as a muted or not yet granted mic at a call's
// start) and the call after it measured, one column per build: single talk (its noise ceiling), leaks,
// double talk, the delay estimate at the end. Quality only (no timing); ~5 s a scene and build here.
//
//   node bench/echo-dead-start.mjs /tmp/main-dist,dist sox-medium,laptop 1,2,3,4
//   (a build: a dist dir, or a hooked build's dir from bench/echo-lab/hooked-build.mjs); ECHO_SOAK_RATE=24000
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path, { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importLabHelpers } from './echo-lab-bundle.mjs';

const [buildsArg, roomsArg, seedsArg] = process.argv.slice(2);
if (!buildsArg || !roomsArg || !seedsArg) throw new Error('usage: node bench/echo-dead-start.mjs <dist,dist...> <room,room...> <seed,seed...>');
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-dead-start-'));
/** @type {any} */
const lab = await importLabHelpers(['echo-soak', 'echo-metrics', 'echo-soak-run'], tmp);
rmSync(tmp, { recursive: true, force: true });
const libs = await Promise.all(buildsArg.split(',').map((d) => import(pathToFileURL(path.resolve(d, 'index.js')).href)));
const RATE = Number(process.env.ECHO_SOAK_RATE ?? 16000);
const FROM_S = 250; // the first mic-zero segment of the schedule (SOAK_CYCLE), then its call
for (const room of roomsArg.split(','))
  for (const seed of seedsArg.split(',').map(Number)) {
    const params = { sampleRate: RATE, driftPpm: 100, seconds: FROM_S + 40, rooms: [room], erlDb: 18, delayMs: 60, seed };
    const segments = [...lab.soakSegments(params, FROM_S)];
    const [zeroed, call] = segments;
    if (zeroed?.kind !== 'mic-zero' || call?.kind !== 'call') throw new Error(`${room} seed ${seed}: not mic-zero then call`);
    // the reference's level over the zeroed stretch's last 0.5 s (a reply playing as the mic returns)
    const ref = zeroed.scene.reference;
    let r = 0;
    for (let i = ref.length - RATE / 2; i < ref.length; i++) r += ref[i] ** 2;
    const cells = libs.map((lib) => {
      const aec = new lib.EchoCanceller({ sampleRate: RATE });
      const aligned = lab.cancelScenes(
        aec,
        segments.map((/** @type {any} */ g) => g.scene),
        RATE / 100,
      );
      const f = lab.measureEcho(call.scene, aligned, 'EchoCanceller', 1, false);
      const cell = `${f.singleTalk.reductionDb.toFixed(1)} dB (ceiling ${f.singleTalk.ceilingDb.toFixed(1)}), leaks ${(100 * f.singleTalk.leakShare).toFixed(1)}%, double talk ${(100 * f.doubleTalk.cleanShare).toFixed(1)}%, est ${aec.delayMs.toFixed(0)}`;
      aec.free();
      return cell;
    });
    console.log(
      `${room} seed ${seed}: true ${call.echoDelayMs.toFixed(0)} ms, reference at the mic's return ${(10 * Math.log10(r / (RATE / 2) + 1e-30)).toFixed(1)} dB | ${cells.join(' | ')}`,
    );
  }
