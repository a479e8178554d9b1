// Echo cancellers on the simulated rooms of issue 13 (test/helpers/echo-*.ts; 16 kHz grid of
// echo-grid.ts: 3 rooms x 3 delays x 3 echo return losses in calls with double talk, cold starts
// at two mic noise floors, path changes, loudspeaker clipping, 3 held-out rooms). Every canceller
// in CANCELLERS_UNDER_TEST runs on every scene; the tables are printed; each is held to its role:
// - the pass-through fails every echo bound (the metrics see echo), and keeps the user intact;
// - the EchoGate shows the weaknesses issue 13 reports (reverberant rooms, the cold start);
// - the adaptive canceller meets the issue's bounds (role 'issue-13'), or, on its way there (role
//   'candidate'), holds its measured figures and beats the peers in double talk, its shortfalls printed.
// Mic noise: pink, -70 dBFS RMS unless the scene says -60; it caps the measurable single-talk
// reduction (the "ceiling" column), and the bound is min(40 dB, ceiling - 3 dB).
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CANCELLERS_UNDER_TEST, type CancellerRole } from '../helpers/echo-cancellers.js';
import { deviceRateGroup, echoGrid, sessionRateGroup, type GroupName } from '../helpers/echo-grid.js';
import { evaluate, evaluateShifted, issue13Failures, type EchoFigures } from '../helpers/echo-metrics.js';
import { figuresReviver, roomTable, sceneTable, shortfallsAgainstPeers, summarizeByRoom } from '../helpers/echo-report.js';
import { buildScene, sameFingerprint, sceneFingerprint } from '../helpers/echo-scenes.js';
import { FIXTURES } from '../helpers/labels-vad.js';

const RATE = 16000;
const groups = [...echoGrid('test', RATE), sessionRateGroup(24000), deviceRateGroup(48000)];
const figures = new Map<string, { group: GroupName; f: EchoFigures }[]>();
/**
 * Block alignment: the calls at 6 dB (120 ms) and the cold starts at 6 dB (no extra noise), 16 and
 * 24 kHz, with 13, 31 (the 48 -> 24 kHz resampler's delay) and 64 samples of silence in front of
 * both streams, for the adaptive cancellers (issue 13: the figures must not depend on where the
 * blocks fall). About 8 s.
 */
const SHIFTS = [13, 31, 64];
const isShifted = (name: string) => / (16|24)k (call 120ms|cold-start 60ms) 6dB$/.test(name);
const shifted = new Map<string, EchoFigures[]>();
/** Each 16 kHz scene's fingerprint, as the peers' reference figures carry it. */
const fingerprints = new Map<string, number[]>();
const PEERS_FILE = `${FIXTURES}echo-peers/figures-16000.json`;
interface PeersReference {
  command: string;
  scenes: Record<string, { fingerprint: number[]; figures: EchoFigures[] }>;
}
const peersReference = (): PeersReference => JSON.parse(readFileSync(PEERS_FILE, 'utf8'), figuresReviver) as PeersReference;

beforeAll(() => {
  for (const { factory } of CANCELLERS_UNDER_TEST) {
    const c = factory(RATE);
    figures.set(c.name, []);
    c.free?.();
  }
  for (const group of groups) {
    for (const params of group.scenes) {
      const scene = buildScene(params);
      if (scene.sampleRate === RATE) fingerprints.set(scene.name, sceneFingerprint(scene));
      for (const { factory, role } of CANCELLERS_UNDER_TEST) {
        const f = evaluate(factory, scene);
        figures.get(f.canceller)!.push({ group: group.name, f });
        if ((role === 'candidate' || role === 'issue-13') && isShifted(scene.name)) {
          for (const frames of SHIFTS) shifted.set(f.canceller, [...(shifted.get(f.canceller) ?? []), evaluateShifted(factory, scene, frames)]);
        }
      }
    }
  }
  for (const [name, list] of shifted) console.log(`\n${name}, shifted by ${SHIFTS.join(', ')} samples\n${sceneTable(list)}`);
  for (const [name, list] of figures) {
    console.log(
      `\n${name}, per scene\n${sceneTable(list.map((x) => x.f))}\n\n${name}, per room (worst case)\n${roomTable(summarizeByRoom(list.map((x) => x.f)))}`,
    );
  }
}, 900_000); // (setup: 82 s unloaded; generous for a loaded CI machine)

const of = (name: string, group?: GroupName) => (figures.get(name) ?? []).filter((x) => group === undefined || x.group === group).map((x) => x.f);
const roomOf = (f: EchoFigures) => f.scene.split(' ')[0]!;
const erlOf = (f: EchoFigures) => Number(/ (\d+)dB/.exec(f.scene)![1]);

function passThroughChecks(name: string) {
  it('fails the single-talk bound and leaks on every scene (reduction <= 0 dB: the noise adds, leaks >= 5%)', () => {
    for (const f of of(name)) {
      if (f.singleTalk.frames < 50) continue;
      expect(f.singleTalk.reductionDb, f.scene).toBeLessThanOrEqual(0.05);
      expect(f.singleTalk.leakShare, f.scene).toBeGreaterThanOrEqual(0.05);
      expect(issue13Failures(f).length, f.scene).toBeGreaterThan(0);
    }
  });
  it('never converges, and removes no echo under the user', () => {
    for (const f of of(name)) {
      expect(f.convergence.coldStartMs, f.scene).toBeNull();
      if (f.doubleTalk.frames >= 20) expect(Math.abs(f.doubleTalk.echoReductionDb), f.scene).toBeLessThan(0.5);
    }
  });
  it('keeps the user intact: the double-talk share is met by construction (>= 97%), user segSNR >= 28 dB (the noise)', () => {
    for (const f of of(name)) {
      if (f.doubleTalk.frames >= 20) expect(f.doubleTalk.cleanShare, f.scene).toBeGreaterThanOrEqual(0.97);
      if (f.userSegSnrDb !== null) expect(f.userSegSnrDb, f.scene).toBeGreaterThanOrEqual(28);
    }
  });
  it('at 6 dB echo return loss the echo is as loud as the user: the opening median fails on some scene', () => {
    const low = of(name, 'call').filter((f) => erlOf(f) === 6 && f.doubleTalk.openingsMs.length);
    expect(low.some((f) => f.doubleTalk.openingMedianMs > 40)).toBe(true);
  });
}

// Issue 13's findings on the gate, reproduced in these rooms (figures measured on this grid).
function gateChecks(name: string) {
  it('kiosk: <= 3 dB echo reduction and >= 40% audible leaks at 6 dB echo return loss, <= 13 dB and >= 3% at 18 dB, at every delay (measured 1.4-2.4 dB, 48-67%; 2.3-12.5 dB, 3.3-47%)', () => {
    const kiosk = of(name, 'call').filter((f) => roomOf(f) === 'kiosk' && erlOf(f) <= 18);
    expect(kiosk.length).toBe(6);
    for (const f of kiosk) {
      expect(f.singleTalk.reductionDb, f.scene).toBeLessThanOrEqual(erlOf(f) === 6 ? 3 : 13);
      expect(f.singleTalk.leakShare, f.scene).toBeGreaterThanOrEqual(erlOf(f) === 6 ? 0.4 : 0.03);
    }
  });
  it('meets the single-talk bound on few calls (measured: 2 of 27, both at 30 dB)', () => {
    const met = of(name, 'call').filter((f) => issue13Failures(f).every((x) => !x.startsWith('single talk') && !x.startsWith('leaks')));
    expect(met.length).toBeLessThanOrEqual(3);
    for (const f of met) expect(erlOf(f), f.scene).toBe(30);
  });
  it('cold start, 30 dB echo return loss, mic noise -60 dBFS: the user talking over the first reply is never delivered in any room, and desk and kiosk deliver < 35% of the next 15 s (measured 24.1%, 24.8%; laptop 84.8%)', () => {
    for (const room of ['laptop', 'desk', 'kiosk']) {
      const f = of(name, 'cold-start').find((x) => roomOf(x) === room && erlOf(x) === 30 && x.scene.includes('noise -60'))!;
      expect(f.doubleTalk.openingsMs[0], f.scene).toBe(Number.POSITIVE_INFINITY);
      if (room !== 'laptop') expect(f.coldStart!.share, f.scene).toBeLessThan(0.35);
    }
  });
  it('... while the same calls at -70 dBFS deliver >= 90% (measured 95.2-98.9%): the quiet echo must be learned above the noise', () => {
    for (const f of of(name, 'cold-start').filter((x) => erlOf(x) === 30 && !x.scene.includes('noise')))
      expect(f.coldStart!.share, f.scene).toBeGreaterThanOrEqual(0.9);
  });
  it('in calls it keeps the user: >= 90% of double-talk frames delivered clean (measured 92.3-100%)', () => {
    for (const f of of(name, 'call')) expect(f.doubleTalk.cleanShare, f.scene).toBeGreaterThanOrEqual(0.9);
  });
}

function issue13Checks(name: string) {
  for (const group of groups) {
    it(`${group.name}: every issue-13 bound met on every scene (${group.what})`, () => {
      // All the scenes' shortfalls at once, by scene.
      const failures = Object.fromEntries(
        of(name, group.name)
          .map((f) => [f.scene, issue13Failures(f)] as const)
          .filter(([, x]) => x.length > 0),
      );
      expect(failures).toEqual({});
    });
  }
  it(`the same bounds with the blocks falling elsewhere (${SHIFTS.join(', ')} samples of silence in front)`, () => {
    const failures = Object.fromEntries((shifted.get(name) ?? []).map((f) => [f.scene, issue13Failures(f)] as const).filter(([, x]) => x.length > 0));
    expect(failures).toEqual({});
  });
  it('at least as good as the better of speexdsp and webrtc in every room, on the same 16 kHz scenes (echo-report.ts: shortfallsAgainstPeers)', () => {
    const ref = peersReference();
    const mine = of(name).filter((f) => fingerprints.has(f.scene));
    const peers = mine.flatMap((f) => ref.scenes[f.scene]!.figures);
    const ours = summarizeByRoom(mine);
    const theirs = summarizeByRoom(peers);
    console.log(`\n${name} beside the peers, per room (worst case)\n${roomTable([...ours, ...theirs])}`);
    expect(shortfallsAgainstPeers(ours, theirs)).toEqual([]);
  });
}

// The EchoCanceller as measured (docs/echo-canceller.md): floors a little under its figures on this
// grid, so that a change that loses ground fails; the issue-13 shortfalls are printed, not asserted.
function candidateChecks(name: string) {
  it('prints its issue-13 shortfalls by scene and beside the peers', () => {
    const short = of(name)
      .map((f) => [f.scene, issue13Failures(f)] as const)
      .filter(([, x]) => x.length > 0);
    console.log(
      `\n${name}: ${of(name).length - short.length} of ${of(name).length} scenes meet every issue-13 bound; the others:\n${short.map(([s, x]) => `${s}: ${x.join('; ')}`).join('\n')}`,
    );
    const ref = peersReference();
    const mine = of(name).filter((f) => fingerprints.has(f.scene));
    const ours = summarizeByRoom(mine);
    const theirs = summarizeByRoom(mine.flatMap((f) => ref.scenes[f.scene]!.figures));
    console.log(
      `\n${name} beside the peers, per room (worst case)\n${roomTable([...ours, ...theirs])}\nshortfalls against the peers:\n${shortfallsAgainstPeers(ours, theirs).join('\n')}`,
    );
    expect(short.length).toBeLessThan(of(name).length);
  });
  it("meets every issue-13 bound on >= 75 of the 90 scenes, and opens the desk's 16 kHz 6 dB cold starts within 40 ms (median; measured 76 of 90, 35 ms: the first user over the first reply 220 -> 30 ms since the gain's residual is held under the two filters' disagreement while cold)", () => {
    const met = of(name).filter((f) => issue13Failures(f).length === 0);
    expect(met.length).toBeGreaterThanOrEqual(75);
    const desk = of(name, 'cold-start').filter((f) => roomOf(f) === 'desk' && erlOf(f) === 6 && f.scene.includes('16k'));
    expect(desk.length).toBeGreaterThanOrEqual(2);
    for (const f of desk) expect(f.doubleTalk.openingMedianMs, f.scene).toBeLessThanOrEqual(40);
  });
  it('calls: >= 91% of the user delivered clean (also over the clipping speaker), single talk >= 38 dB or the noise ceiling - 3 dB (measured 94.0-100%, clipping 93.5-100%; >= 40.4 dB at 6 dB echo return loss, >= ceiling - 1.6 dB at 18 and 30 dB)', () => {
    for (const f of of(name, 'nonlinear')) expect(f.doubleTalk.cleanShare, f.scene).toBeGreaterThanOrEqual(0.91);
    for (const f of of(name, 'call')) {
      expect(f.doubleTalk.cleanShare, f.scene).toBeGreaterThanOrEqual(0.91);
      expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(Math.min(38, f.singleTalk.ceilingDb - 3));
    }
  });
  it('every scene at 16 and 24 kHz: no utterance never delivered, >= 86% delivered clean, opening median <= 90 ms, user segSNR >= 26 dB, single talk >= 10 dB or the ceiling - 3 dB, audible leaks <= 1% (issue 13: measured 90.0% (27 of 30 frames in the car), 85 ms, 27.9 dB, 14.1 dB, <= 0.7%)', () => {
    for (const f of of(name).filter((x) => !x.scene.includes(' 48k '))) {
      expect(f.doubleTalk.neverPassed, f.scene).toBe(0);
      if (f.doubleTalk.frames >= 20) expect(f.doubleTalk.cleanShare, f.scene).toBeGreaterThanOrEqual(0.86);
      if (f.doubleTalk.openingsMs.length) expect(f.doubleTalk.openingMedianMs, f.scene).toBeLessThanOrEqual(90);
      if (f.userSegSnrDb !== null) expect(f.userSegSnrDb, f.scene).toBeGreaterThanOrEqual(26);
      if (f.singleTalk.frames >= 50) {
        expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(Math.min(10, f.singleTalk.ceilingDb - 3));
        expect(f.singleTalk.leakShare, f.scene).toBeLessThanOrEqual(0.01);
      }
    }
  });
  it(`block alignment (${SHIFTS.join(', ')} samples of silence in front of the calls and cold starts at 6 dB): single talk >= 30 dB, leaks <= 1%, >= 85% of the user clean, no utterance never delivered, opening median <= 90 ms, 20 dB within 1 s (measured >= 31.6 dB, <= 1.0%, 86.8-100%, none, <= 80 ms, <= 410 ms: the kiosk call +13 took 1.37 s before the rising-echo rule; the issue asks what it asks of the unshifted scenes)`, () => {
    const list = shifted.get(name) ?? [];
    expect(list.length).toBe(SHIFTS.length * 9);
    for (const f of list) {
      expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(30);
      expect(f.singleTalk.leakShare, f.scene).toBeLessThanOrEqual(0.01);
      expect(f.doubleTalk.cleanShare, f.scene).toBeGreaterThanOrEqual(0.85);
      expect(f.doubleTalk.neverPassed, f.scene).toBe(0);
      expect(f.doubleTalk.openingMedianMs, f.scene).toBeLessThanOrEqual(90);
      expect(f.convergence.coldStartMs, f.scene).not.toBeNull();
      expect(f.convergence.coldStartMs!, f.scene).toBeLessThanOrEqual(1000);
    }
  });
  it('48 kHz (512-sample blocks, 10.7 ms): no utterance never delivered, >= 90% of the user clean and >= 92% in calls, opening median <= 100 ms, user segSNR >= 28 dB, single talk >= the ceiling - 3 dB, leaks <= 0.5% (measured 91.3-100%, 93.1% laptop call 6 dB, <= 100 ms, >= 28.9 dB, <= 0.3%; the desk cold start at 18 dB 23.1 dB with 0.3% leaks before the rising-echo rule)', () => {
    const list = of(name, 'device-rate');
    expect(list.length).toBe(12);
    for (const f of list) {
      expect(f.doubleTalk.neverPassed, f.scene).toBe(0);
      expect(f.doubleTalk.cleanShare, f.scene).toBeGreaterThanOrEqual(f.scene.includes(' call ') ? 0.92 : 0.9);
      expect(f.doubleTalk.openingMedianMs, f.scene).toBeLessThanOrEqual(100);
      expect(f.userSegSnrDb, f.scene).toBeGreaterThanOrEqual(28);
      expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(f.singleTalk.ceilingDb - 3);
      expect(f.singleTalk.leakShare, f.scene).toBeLessThanOrEqual(0.005);
    }
  });
  it('path changes: single talk >= 35 dB, back to 20 dB within 1.05 s (measured 37.8-41.4 dB, 0.1-0.99 s; the issue asks 1 s)', () => {
    for (const f of of(name, 'path-change')) {
      expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(35);
      expect(f.convergence.pathChangeMs, f.scene).not.toBeNull();
      expect(f.convergence.pathChangeMs!, f.scene).toBeLessThanOrEqual(1050);
    }
  });
  it('cold starts: >= 90% of the user delivered from the first word (the issue asks 90%), converged within 1 s (measured 91.8-99.6% since aec-dt3, 90.6-99.0% before; <= 480 ms)', () => {
    for (const f of [...of(name, 'cold-start'), ...of(name, 'session-rate'), ...of(name, 'device-rate')].filter((x) => x.coldStart)) {
      expect(f.coldStart!.share, f.scene).toBeGreaterThanOrEqual(0.9);
      expect(f.convergence.coldStartMs, f.scene).not.toBeNull();
      expect(f.convergence.coldStartMs!, f.scene).toBeLessThanOrEqual(1000);
    }
  });
  it('delivers more of the user in double talk than the better of speexdsp and webrtc, in every room (theirs <= 59.6%)', () => {
    const ref = peersReference();
    const mine = of(name).filter((f) => fingerprints.has(f.scene));
    const theirs = summarizeByRoom(mine.flatMap((f) => ref.scenes[f.scene]!.figures));
    for (const o of summarizeByRoom(mine)) {
      const best = Math.max(...theirs.filter((p) => p.room === o.room).map((p) => p.cleanShare));
      expect(o.cleanShare, o.room).toBeGreaterThan(best);
    }
  });
}

// The peers' figures (speexdsp, webrtc-audio-processing) come from the benchmark on the same scenes
// (bench/echo.bench.mjs writes them; the libraries are not needed here). They must describe these
// scenes: each carries the scene's fingerprint (echo-scenes.ts), which must match.
describe('peers reference (fixtures/echo-peers/figures-16000.json)', () => {
  it('covers every 16 kHz scene of this grid, made from the same mic signal', () => {
    expect(existsSync(PEERS_FILE), 'run: npm run build && node bench/echo.bench.mjs (with libspeexdsp-dev, libwebrtc-audio-processing-dev)').toBe(true);
    const ref = peersReference();
    for (const [name, print] of fingerprints) {
      expect(ref.scenes[name], `${name}: not in the reference; rerun the benchmark`).toBeDefined();
      expect(sameFingerprint(ref.scenes[name]!.fingerprint, print), `${name}: the scene changed since the reference was made; rerun the benchmark`).toBe(true);
    }
  });
  it('no peer meets issue 13 in the kiosk room (the reason for the issue)', () => {
    const ref = peersReference();
    const kiosk = [...fingerprints.keys()].filter((n) => n.startsWith('kiosk')).flatMap((n) => ref.scenes[n]!.figures);
    for (const peer of new Set(kiosk.map((f) => f.canceller)))
      expect(
        kiosk.filter((f) => f.canceller === peer).some((f) => issue13Failures(f).length > 0),
        peer,
      ).toBe(true);
  });
});

const CHECKS: Record<CancellerRole, (name: string) => void> = {
  'pass-through': passThroughChecks,
  gate: gateChecks,
  candidate: candidateChecks,
  'issue-13': issue13Checks,
};

for (const { factory, role } of CANCELLERS_UNDER_TEST) {
  const name = factory(RATE).name;
  describe(`${name} (${role}) on the echo scenes, ${RATE / 1000} kHz`, () => CHECKS[role](name));
}
