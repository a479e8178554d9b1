// The echo canceller on rooms the lab did not build (test/helpers/echo-outside.ts: sox's freeverb
// small / medium / an RT60 4.7 s hall, a measured seminar room and a measured domestic living room;
// calls and cold starts at 6, 18 and 30 dB echo return loss, held-out reply and users): 30 scenes at
// 16 kHz, ~18 s; the hall's 6 at 24 kHz, ~4 s (the session rate, where its misplaced filter leaked most), and the
// medium room's 3 cold starts at 24 kHz, ~2 s (where a false path change cost the 30 dB one), both on
// their 16 kHz responses resampled, as they were found (the lab's `outside24r`); all 30 at 24 kHz, the
// session rate, ~25 s, on their responses generated at 24 kHz (fixtures/echo-outside/*-24000.f32,
// aec-outside24); and all 30 at 48 kHz, the device rate, ~40 s (their responses generated there:
// fixtures/echo-outside/*-48000.f32, aec-outside48), each beside the same scene at 16 kHz. Printed per
// scene and per room beside the peers (speexdsp, webrtc-audio-processing: their figures on the same
// scenes, fixtures/echo-peers/figures-16000.json, by `ECHO_BENCH_GRID=outside node
// bench/echo.bench.mjs`). Held to its measured figures (floors a little under them), to what it
// does better than the peers, and to the weaknesses still open in the hall (docs/echo-canceller.md,
// "What is still weak"): a fix flips those checks, and the docs change with them.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { echoCanceller } from '../helpers/echo-cancellers.js';
import { outsideGroup } from '../helpers/echo-grid.js';
import { evaluate, issue13Failures, type EchoFigures } from '../helpers/echo-metrics.js';
import { figuresReviver, roomTable, sceneTable, shortfallsAgainstPeers, summarizeByRoom } from '../helpers/echo-report.js';
import { buildScene, sameFingerprint, sceneFingerprint } from '../helpers/echo-scenes.js';
import { FIXTURES } from '../helpers/labels-vad.js';

const ours: EchoFigures[] = [];
/** The hall at 24 kHz, the session rate, its 16 kHz response resampled (6 scenes, ~4 s): where its misplaced filter leaked most (8.7%). */
const hall24: EchoFigures[] = [];
/** The medium room's cold starts at 24 kHz, its 16 kHz response resampled (3 scenes, ~2 s): a false path change on echo alone cost the 30 dB one 4.3 dB. */
const medium24: EchoFigures[] = [];
/** The 30 scenes at 24 kHz, the session rate (~25 s): their responses generated at 24 kHz, not resampled (aec-outside24). */
const at24: EchoFigures[] = [];
const peers: EchoFigures[] = [];
/** The 30 scenes at 48 kHz, the device rate (~40 s): their responses generated at 48 kHz, not resampled. */
const at48: EchoFigures[] = [];
const group = outsideGroup(16000);
const reference = JSON.parse(readFileSync(`${FIXTURES}echo-peers/figures-16000.json`, 'utf8'), figuresReviver) as {
  scenes: Record<string, { fingerprint: number[]; figures: EchoFigures[] }>;
};
const stale: string[] = [];

beforeAll(() => {
  for (const params of group.scenes) {
    const scene = buildScene(params);
    const ref = reference.scenes[scene.name];
    if (!ref || !sameFingerprint(ref.fingerprint, sceneFingerprint(scene))) stale.push(scene.name);
    else peers.push(...ref.figures);
    ours.push(evaluate(echoCanceller, scene));
  }
  const resampled24 = outsideGroup(24000, 16000).scenes; // the lab's outside24r
  for (const params of resampled24.filter((p) => p.room === 'sox-large')) hall24.push(evaluate(echoCanceller, buildScene(params)));
  for (const params of resampled24.filter((p) => p.room === 'sox-medium' && p.script === 'cold-start'))
    medium24.push(evaluate(echoCanceller, buildScene(params)));
  for (const params of outsideGroup(24000).scenes) at24.push(evaluate(echoCanceller, buildScene(params)));
  for (const params of outsideGroup(48000).scenes) at48.push(evaluate(echoCanceller, buildScene(params)));
  const rooms = summarizeByRoom(ours);
  console.log(
    `\noutside rooms, per scene\n${sceneTable(ours)}\n\nthe hall at 24 kHz, resampled from 16 kHz\n${sceneTable(hall24)}\n\nthe medium room's cold starts at 24 kHz, resampled from 16 kHz\n${sceneTable(medium24)}\n\nat 24 kHz (generated there)\n${sceneTable(at24)}\n\nat 48 kHz\n${sceneTable(at48)}\n\nbeside the peers, per room (worst case)\n${roomTable([...rooms, ...summarizeByRoom(peers)])}\n\nissue-13 shortfalls:\n${ours
      .map((f) => `${f.scene}: ${issue13Failures(f).join('; ')}`)
      .filter((l) => !l.endsWith(': '))
      .join('\n')}\n\nissue-13 shortfalls at 24 kHz:\n${at24
      .map((f) => `${f.scene}: ${issue13Failures(f).join('; ')}`)
      .filter((l) => !l.endsWith(': '))
      .join('\n')}\n\nissue-13 shortfalls at 48 kHz:\n${at48
      .map((f) => `${f.scene}: ${issue13Failures(f).join('; ')}`)
      .filter((l) => !l.endsWith(': '))
      .join('\n')}\n\nshortfalls against the peers:\n${shortfallsAgainstPeers(rooms, summarizeByRoom(peers)).join('\n')}`,
  );
}, 900_000); // (setup: 19 s unloaded, ~60 s with the 48 kHz scenes, ~85 s with the 24 kHz ones; generous for a loaded CI machine)

const room = (name: string) => ours.filter((f) => f.scene.startsWith(`${name} `));
const erlOf = (f: EchoFigures) => Number(/ (\d+)dB/.exec(f.scene)![1]);

describe('EchoCanceller on the outside rooms, 16 kHz', () => {
  it('the peers reference covers every outside scene, made from the same mic signal', () => {
    expect(stale, 'rerun: ECHO_BENCH_GRID=outside node bench/echo.bench.mjs').toEqual([]);
  });
  it('small, medium, seminar and living rooms: single talk >= 28 dB (or the ceiling - 3), leaks <= 1%, no utterance never delivered (measured leaks <= 0.4%; 1.1-1.5% in the medium and seminar 6 dB cold starts before the late-echo model)', () => {
    for (const f of ['sox-small', 'sox-medium', 'seminar', 'living-room'].flatMap(room)) {
      expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(Math.min(28, f.singleTalk.ceilingDb - 3));
      expect(f.singleTalk.leakShare, f.scene).toBeLessThanOrEqual(0.01);
      expect(f.doubleTalk.neverPassed, f.scene).toBe(0);
    }
  });
  it('the late echo beyond the filter (assembly/aec-reverb.ts): the medium and seminar rooms at 6 dB from a cold start >= 40 dB single talk, no leaks (measured 42.3, 43.6 dB; 31.6, 34.4 dB with 1.1, 1.5% before)', () => {
    for (const f of ['sox-medium', 'seminar'].flatMap(room).filter((x) => x.scene.includes('cold-start') && erlOf(x) === 6)) {
      expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(40);
      expect(f.singleTalk.leakShare, f.scene).toBe(0);
    }
  });
  it('the hall: no leaks in its calls at any echo return loss, <= 1% in its cold starts (measured 0% everywhere; the 18 dB cold start 1.6% and 18.9 dB before the long-tail placement, assembly/aec-delay.ts: its filter placed at 168 ms for an echo at 85 ms), its 18 dB cold start >= 25 dB single talk (measured 31.3; 28.6 before the long-tail comfort-noise hold, assembly/aec-suppress.ts), its 30 dB one >= 15.8 dB, the issue-13 bound (measured 17.2 since aec-hall7: the slow profile step placed it at 56 ms, not 168; 14.55 before, 15.1 before the HALL_NEAR cap of aec-hall6, 13.4 before the late echo fitted from the signals, assembly/aec-late.ts, 11.2 before that hold)', () => {
    for (const f of room('sox-large')) expect(f.singleTalk.leakShare, f.scene).toBeLessThanOrEqual(0.01);
    const at18 = room('sox-large').find((f) => f.scene.includes('cold-start') && erlOf(f) === 18)!;
    expect(at18.singleTalk.reductionDb, at18.scene).toBeGreaterThanOrEqual(25);
    const at30 = room('sox-large').find((f) => f.scene.includes('cold-start') && erlOf(f) === 30)!;
    expect(at30.singleTalk.reductionDb, at30.scene).toBeGreaterThanOrEqual(15.8);
  });
  it('the hall at 24 kHz on its 16 kHz response resampled (outside24r): no leaks in its calls and cold starts (measured 0% everywhere; the 18 dB cold start 8.7% and 12.9 dB before the long-tail placement, its filter placed at 213 ms for an echo at 85 ms), its 18 dB cold start >= 24 dB single talk (measured 30.9; 26.7 before the long-tail comfort-noise hold), its 30 dB one >= 15.8 dB, the issue-13 bound (measured 18.7; 17.8 before the late echo fitted from the signals, 14.2 before that hold), >= 80% of the user delivered in double talk (measured 83.2-97.7%), its calls at 20 dB within 1 s (measured 100-760 ms; 1590 ms before the late echo fitted from the signals, assembly/aec-late.ts)', () => {
    expect(hall24.length).toBe(6);
    for (const f of hall24) {
      expect(f.singleTalk.leakShare, f.scene).toBeLessThanOrEqual(0.01);
      expect(f.doubleTalk.cleanShare, f.scene).toBeGreaterThanOrEqual(0.8);
    }
    const at18 = hall24.find((f) => f.scene.includes('cold-start') && erlOf(f) === 18)!;
    expect(at18.singleTalk.reductionDb, at18.scene).toBeGreaterThanOrEqual(24);
    const at30 = hall24.find((f) => f.scene.includes('cold-start') && erlOf(f) === 30)!;
    expect(at30.singleTalk.reductionDb, at30.scene).toBeGreaterThanOrEqual(15.8);
    for (const f of hall24.filter((g) => g.scene.includes(' call '))) {
      expect(f.convergence.coldStartMs, f.scene).not.toBeNull();
      expect(f.convergence.coldStartMs!, f.scene).toBeLessThanOrEqual(1000);
    }
  });
  it('the medium room at 24 kHz on its 16 kHz response resampled (outside24r), its cold starts: single talk >= 40 / 28 / 16 dB at 6 / 18 / 30 dB, no leaks, >= 90% of the user delivered, 20 dB within 1 s (measured 42.4 / 30.3 / 18.1 dB, 0%, 99.0-100%, 100-120 ms; the 30 dB one 4.3 dB with 10.3% leaks before aec-path2: a misfit path change at 10.3 s on echo alone, by a filter that had removed 20 dB over one loud passage only, assembly/aec-change.ts)', () => {
    expect(medium24.length).toBe(3);
    for (const f of medium24) {
      expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(({ 6: 40, 18: 28, 30: 16 } as Record<number, number>)[erlOf(f)]!);
      expect(f.singleTalk.leakShare, f.scene).toBeLessThanOrEqual(0.002);
      expect(f.doubleTalk.cleanShare, f.scene).toBeGreaterThanOrEqual(0.9);
      expect(f.convergence.coldStartMs, f.scene).not.toBeNull();
      expect(f.convergence.coldStartMs!, f.scene).toBeLessThanOrEqual(1000);
    }
  });
  it('cold starts converge to 20 dB within 1 s in every room (measured 100-330 ms; the living room and seminar 6 dB cold starts 1560 and 1450 ms before the rising-echo rule)', () => {
    const cold = ours.filter((f) => f.scene.includes('cold-start'));
    expect(cold.length).toBe(15);
    for (const f of cold) {
      expect(f.convergence.coldStartMs, f.scene).not.toBeNull();
      expect(f.convergence.coldStartMs!, f.scene).toBeLessThanOrEqual(1000);
    }
  });
  it('calls converge to 20 dB within 1 s in every room (measured 100-660 ms; sox-small 1040 and the seminar 1590 ms before the cold one-octave rule, COLD_OCTAVE_SHARE; the hall 480-500 ms, 1210-1290 ms before the late echo fitted from the signals, assembly/aec-late.ts)', () => {
    const calls = ['sox-small', 'sox-medium', 'sox-large', 'seminar', 'living-room'].flatMap(room).filter((f) => f.scene.includes(' call '));
    expect(calls.length).toBe(15);
    for (const f of calls) {
      expect(f.convergence.coldStartMs, f.scene).not.toBeNull();
      expect(f.convergence.coldStartMs!, f.scene).toBeLessThanOrEqual(1000);
    }
  });
  it('double talk: >= 86% delivered clean in small, medium, seminar and living rooms, >= 80% in the hall (measured 88.6-100% since aec-dt3, 81.8% before aec-open2; the hall 85.0-98.8%, 78.3-95.9% before its long-tail placement)', () => {
    for (const f of ours) expect(f.doubleTalk.cleanShare, f.scene).toBeGreaterThanOrEqual(f.scene.startsWith('sox-large') ? 0.8 : 0.86);
  });
  it('delivers more of the user in double talk than the better of speexdsp and webrtc in every room, and as much at a cold start outside the hall (theirs <= 60%)', () => {
    const theirs = summarizeByRoom(peers);
    for (const o of summarizeByRoom(ours)) {
      const ps = theirs.filter((p) => p.room === o.room);
      expect(o.cleanShare, o.room).toBeGreaterThan(Math.max(...ps.map((p) => p.cleanShare)));
      if (o.room !== 'sox-large') expect(o.coldStartShare!, o.room).toBeGreaterThanOrEqual(Math.max(...ps.map((p) => p.coldStartShare ?? 0)) - 0.005);
    }
  });
  it("still weak: a user over the hall's first reply at 6 dB gets 58.3% through (webrtc 16.7%; 50.0% before the cap HALL_NEAR went 2.5x -> 2x the fitted echo through every presence, aec-hall8, 16.7% before the gain's residual with the user was held under the fitted echo at all, and 8.3% before the hall's presence test took its residual x16, not x22: HALL_OVER, assembly/aec-suppress-state.ts): a tail the 250 ms filter cannot model", () => {
    const first = room('sox-large').find((f) => f.scene.includes('cold-start') && erlOf(f) === 6)!;
    expect(first.coldStart!.share, first.scene).toBeLessThan(0.59);
    expect(first.coldStart!.share, first.scene).toBeGreaterThanOrEqual(0.58);
  });
});

/** A scene's missed issue-13 bounds and the figure each is held to instead. */
type Miss = { openingMedianMs?: number; convergenceMs?: number; singleTalkDb?: number };
/** Every issue-13 bound in every scene, but where `misses` names the scene's miss: there its own bound. */
function expectBoundsBut(scenes: EchoFigures[], misses: Record<string, Miss>): void {
  for (const f of scenes) {
    const miss = misses[f.scene];
    const fails = issue13Failures(f).filter(
      (x) =>
        !(miss?.openingMedianMs !== undefined && x.startsWith('opening median')) &&
        !(miss?.convergenceMs !== undefined && x.startsWith('cold-start convergence')) &&
        !(miss?.singleTalkDb !== undefined && x.startsWith('single talk')),
    );
    expect(fails, f.scene).toEqual([]);
    if (miss?.openingMedianMs !== undefined) expect(f.doubleTalk.openingMedianMs, f.scene).toBeLessThanOrEqual(miss.openingMedianMs);
    if (miss?.convergenceMs !== undefined) {
      expect(f.convergence.coldStartMs, f.scene).not.toBeNull();
      expect(f.convergence.coldStartMs!, f.scene).toBeLessThanOrEqual(miss.convergenceMs);
    }
    if (miss?.singleTalkDb !== undefined) expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(miss.singleTalkDb);
  }
}

/**
 * The 48 kHz scenes outside the hall that miss an issue-13 bound (aec-outside48), and the bound each
 * is held to instead (measured, with margin); every other bound holds there. Both miss alike at
 * 24 kHz (seminar call 50 ms, medium cold start 90 ms). (The small room's 6 dB cold start reached
 * 20 dB in 1300 ms before the lowest octave stopped counting while cold, assembly/aec-suppress.ts:
 * a false presence at 0.75 s; 320 ms since.)
 */
const MISSES_48: Record<string, Miss> = {
  'sox-medium 48k cold-start 60ms 6dB': { openingMedianMs: 100 }, // measured 90
  'seminar 48k call 120ms 6dB': { openingMedianMs: 60 }, // measured 50
};
const room48 = (name: string) => at48.filter((f) => f.scene.startsWith(`${name} `));
/** The same scene at 16 kHz. */
const at16 = (f: EchoFigures) => ours.find((g) => g.scene === f.scene.replace(/ (24|48)k /, ' 16k '))!;

describe('EchoCanceller on the outside rooms at 48 kHz, the device rate (responses generated at 48 kHz)', () => {
  it('small, medium, seminar and living rooms: every issue-13 bound in every scene but two, which hold theirs (opening medians 50 / 90 ms: as at 24 kHz; the small room 6 dB cold start to 20 dB in 320 ms, 1300 ms before the lowest octave stopped counting while cold)', () => {
    const scenes = ['sox-small', 'sox-medium', 'seminar', 'living-room'].flatMap(room48);
    expect(scenes.length).toBe(24);
    expectBoundsBut(scenes, MISSES_48);
  });
  it('small, medium, seminar and living rooms: single talk within 1.5 dB of the same scene at 16 kHz (measured -0.7 to +1.4 dB)', () => {
    for (const f of ['sox-small', 'sox-medium', 'seminar', 'living-room'].flatMap(room48))
      expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(at16(f).singleTalk.reductionDb - 1.5);
  });
  it('the hall at 48 kHz: no leaks in its calls, <= 1% in its 6 dB cold start (measured 0%; 0.9% before aec-hall7), >= 78% of the user delivered in double talk (measured 84.8-99.2%), every scene at 20 dB within 1 s (measured 330-770 ms), single talk >= 37.5 dB at 6 dB (measured 38.5 / 39.8 in the call / cold start, 35.9 before aec-hall7; 39.5 / 40.5 at 16 kHz)', () => {
    const hall = room48('sox-large');
    expect(hall.length).toBe(6);
    for (const f of hall) {
      expect(f.doubleTalk.cleanShare, f.scene).toBeGreaterThanOrEqual(0.78);
      expect(f.convergence.coldStartMs, f.scene).not.toBeNull();
      expect(f.convergence.coldStartMs!, f.scene).toBeLessThanOrEqual(1000);
      if (f.scene.includes(' call ')) expect(f.singleTalk.leakShare, f.scene).toBe(0);
      if (erlOf(f) === 6) {
        expect(f.singleTalk.leakShare, f.scene).toBeLessThanOrEqual(0.01);
        expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(37.5);
      }
    }
    const at30 = hall.find((f) => f.scene.includes('cold-start') && erlOf(f) === 30)!;
    expect(at30.singleTalk.reductionDb, at30.scene).toBeGreaterThanOrEqual(16.1); // the issue-13 bound: measured 18.7 (13.2 before aec-hall7; 17.2 at 16 kHz)
  });
  it("the hall's 18 dB cold start at 48 kHz: no leaks, single talk >= 28.1 dB, the issue-13 bound (measured 31.0 dB, 0%; 14.6 dB with 6.7% leaks before aec-hall7: its first onset taken at 213 ms, 8.2 s in, for an echo at 85 ms, now bounded by the slow profile's step at 96 ms, assembly/aec-delay.ts stepOnset)", () => {
    const at18 = room48('sox-large').find((f) => f.scene.includes('cold-start') && erlOf(f) === 18)!;
    expect(at18.singleTalk.leakShare, at18.scene).toBe(0);
    expect(at18.singleTalk.reductionDb, at18.scene).toBeGreaterThanOrEqual(28.1);
  });
});

/**
 * The 24 kHz scenes outside the hall that miss an issue-13 bound on their responses generated at
 * 24 kHz (aec-outside24), and the bound each is held to instead (measured, with the 48 kHz block's
 * margins: +10 ms on an opening median, 1 dB on single talk); every other bound holds there. The
 * seminar's call misses alike on the 16 kHz responses resampled (outside24r: 50 ms); the
 * medium room's 6 dB cold start reads 90 ms there, its 18 dB one 30.7 dB (a 40 ms false presence at
 * 26.88 s in the 250-1000 Hz octaves, one octave with the mic MIC_OVER x over the echo the
 * reference predicts: 4 leaking frames, 0.2%).
 */
const MISSES_24: Record<string, Miss> = {
  'sox-medium 24k cold-start 60ms 6dB': { openingMedianMs: 130 }, // measured 120
  'sox-medium 24k cold-start 60ms 18dB': { singleTalkDb: 27.2 }, // measured 28.2 (the bound: 28.3)
  // measured 50 ms; its 20 dB within the issue's 1 s again (370 ms since aec-seminar: 1150 ms after
  // aec-cold9, 640 before; the seminar's cold start 1450 -> 260 ms since aec-cold9, held to 1 s too)
  'seminar 24k call 120ms 6dB': { openingMedianMs: 60 },
};
const room24 = (name: string) => at24.filter((f) => f.scene.startsWith(`${name} `));

describe('EchoCanceller on the outside rooms at 24 kHz, the session rate (responses generated at 24 kHz)', () => {
  it("small, medium, seminar and living rooms: every issue-13 bound in every scene but three, which hold theirs (opening medians 120 / 50 ms, single talk 28.2 dB for 28.3; leaks <= 0.2%, none never delivered; the seminar's cold start 1450 -> 260 ms since aec-cold9, its call 20 dB in 370 ms since aec-seminar, 1150 after aec-cold9)", () => {
    const scenes = ['sox-small', 'sox-medium', 'seminar', 'living-room'].flatMap(room24);
    expect(scenes.length).toBe(24);
    expectBoundsBut(scenes, MISSES_24);
  });
  it("small, medium, seminar and living rooms: single talk within 2.5 dB of the same scene at 16 kHz but the medium room's 18 dB cold start, held above (measured -1.9 to +1.7 dB; that one -2.9)", () => {
    for (const f of ['sox-small', 'sox-medium', 'seminar', 'living-room'].flatMap(room24).filter((g) => g.scene !== 'sox-medium 24k cold-start 60ms 18dB'))
      expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(at16(f).singleTalk.reductionDb - 2.5);
  });
  it('the hall at 24 kHz: no leaks in its calls, <= 1% in its cold starts (measured 0.6% at 6 and 18 dB), >= 80% of the user delivered in double talk (measured 84.3-97.7%), 20 dB within 1 s but its 30 dB call (measured 100-760 ms; that one 1020, held to 1200), single talk >= 37.5 dB in its 6 dB call, >= 26.4 dB in its 18 dB cold start, >= 15.8 dB (the issue-13 bound) in its 30 dB one (measured 38.5, 27.4, 18.5 dB; 39.4, 30.9, 18.7 on the 16 kHz response resampled)', () => {
    const hall = room24('sox-large');
    expect(hall.length).toBe(6);
    for (const f of hall) {
      expect(f.doubleTalk.cleanShare, f.scene).toBeGreaterThanOrEqual(0.8);
      expect(f.singleTalk.leakShare, f.scene).toBeLessThanOrEqual(f.scene.includes(' call ') ? 0 : 0.01);
      expect(f.convergence.coldStartMs, f.scene).not.toBeNull();
      expect(f.convergence.coldStartMs!, f.scene).toBeLessThanOrEqual(f.scene.includes(' call ') && erlOf(f) === 30 ? 1200 : 1000);
    }
    const bound = (script: string, erl: number) => hall.find((f) => f.scene.includes(script) && erlOf(f) === erl)!;
    expect(bound(' call ', 6).singleTalk.reductionDb).toBeGreaterThanOrEqual(37.5);
    expect(bound('cold-start', 18).singleTalk.reductionDb).toBeGreaterThanOrEqual(26.4);
    expect(bound('cold-start', 30).singleTalk.reductionDb).toBeGreaterThanOrEqual(15.8);
  });
  it("still weak: the hall's 6 dB cold start at 24 kHz reads 29.5 dB single talk, under the issue-13 bound of 39.8 (40.3 on the 16 kHz response resampled), with 0.6% leaks: one false presence at 18.97 s in the reply's tail, from one octave (250-500 Hz), where the mic stands MIC_OVER x over the echo the reference predicts (none in the tail) and the late echo model leaves it unexplained (its 18 dB cold start alike, 27.4 dB); 3 utterances never delivered (0 resampled), 22.2% of the first reply's user (25.0%)", () => {
    const f = room24('sox-large').find((g) => g.scene.includes('cold-start') && erlOf(g) === 6)!;
    expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(28.5);
    expect(f.singleTalk.reductionDb, f.scene).toBeLessThan(39.8);
    expect(f.singleTalk.leakShare, f.scene).toBeLessThanOrEqual(0.01);
    expect(f.doubleTalk.neverPassed, f.scene).toBeLessThanOrEqual(3);
    expect(f.coldStart!.share, f.scene).toBeGreaterThanOrEqual(0.2);
  });
});
