// Echo cancellers on the simulated rooms of issue 13 (test/helpers/echo-*.ts; 16 kHz grid of
// echo-grid.ts: 3 rooms x 3 delays x 3 echo return losses in calls with double talk, cold starts
// at two mic noise floors, path changes, loudspeaker clipping, 3 held-out rooms). Every canceller
// in CANCELLERS_UNDER_TEST runs on every scene; the tables are printed; each is held to its role:
// - the pass-through fails every echo bound (the metrics see echo), and keeps the user intact;
// - the EchoGate shows the weaknesses issue 13 reports (reverberant rooms, the cold start);
// - the adaptive canceller (role 'issue-13', once it exists) meets the issue's bounds.
// Mic noise: pink, -70 dBFS RMS unless the scene says -60; it caps the measurable single-talk
// reduction (the "ceiling" column), and the bound is min(40 dB, ceiling - 3 dB).
import { beforeAll, describe, expect, it } from 'vitest';
import { CANCELLERS_UNDER_TEST, type CancellerRole } from '../helpers/echo-cancellers.js';
import { echoGrid, type GroupName } from '../helpers/echo-grid.js';
import { evaluate, issue13Failures, type EchoFigures } from '../helpers/echo-metrics.js';
import { roomTable, sceneTable, summarizeByRoom } from '../helpers/echo-report.js';
import { buildScene } from '../helpers/echo-scenes.js';

const RATE = 16000;
const groups = echoGrid('test', RATE);
const figures = new Map<string, { group: GroupName; f: EchoFigures }[]>();

beforeAll(() => {
  for (const { factory } of CANCELLERS_UNDER_TEST) figures.set(factory(RATE).name, []);
  for (const group of groups) {
    for (const params of group.scenes) {
      const scene = buildScene(params);
      for (const { factory } of CANCELLERS_UNDER_TEST) {
        const f = evaluate(factory, scene);
        figures.get(f.canceller)!.push({ group: group.name, f });
      }
    }
  }
  for (const [name, list] of figures) {
    console.log(
      `\n${name}, per scene\n${sceneTable(list.map((x) => x.f))}\n\n${name}, per room (worst case)\n${roomTable(summarizeByRoom(list.map((x) => x.f)))}`,
    );
  }
}, 300_000);

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
  it('kiosk, 6 and 18 dB echo return loss: <= 8 dB echo reduction and >= 15% audible leaks at every delay (measured 1.8-7.1 dB, 15-62%)', () => {
    const kiosk = of(name, 'call').filter((f) => roomOf(f) === 'kiosk' && erlOf(f) <= 18);
    expect(kiosk.length).toBe(6);
    for (const f of kiosk) {
      expect(f.singleTalk.reductionDb, f.scene).toBeLessThanOrEqual(8);
      expect(f.singleTalk.leakShare, f.scene).toBeGreaterThanOrEqual(0.15);
    }
  });
  it('meets the single-talk bound on few calls: most scenes fail it (measured: 9 of 27 meet it, all at 18-30 dB)', () => {
    const calls = of(name, 'call');
    const met = calls.filter((f) => f.singleTalk.reductionDb >= Math.min(40, f.singleTalk.ceilingDb - 3) && f.singleTalk.leakShare <= 0.01);
    expect(met.length).toBeLessThanOrEqual(calls.length / 2);
    for (const f of met) expect(erlOf(f), f.scene).toBeGreaterThanOrEqual(18);
  });
  it('cold start, 30 dB echo return loss, mic noise -60 dBFS: the user talking over the first reply is muted (laptop, kiosk: < 35% delivered, utterances never delivered; measured 16.8%, 29.6%)', () => {
    for (const room of ['laptop', 'kiosk']) {
      const f = of(name, 'cold-start').find((x) => roomOf(x) === room && erlOf(x) === 30 && x.scene.includes('noise -60'))!;
      expect(f.coldStart!.share, f.scene).toBeLessThan(0.35);
      expect(f.coldStart!.neverPassed, f.scene).toBeGreaterThanOrEqual(2);
    }
  });
  it('... while the same calls at -70 dBFS deliver >= 90% (measured 93.7-98.8%): the quiet echo must be learned above the noise', () => {
    for (const f of of(name, 'cold-start').filter((x) => erlOf(x) === 30 && !x.scene.includes('noise')))
      expect(f.coldStart!.share, f.scene).toBeGreaterThanOrEqual(0.9);
  });
  it('in calls it keeps the user: >= 90% of double-talk frames delivered clean (measured 92.4-100%)', () => {
    for (const f of of(name, 'call')) expect(f.doubleTalk.cleanShare, f.scene).toBeGreaterThanOrEqual(0.9);
  });
}

function issue13Checks(name: string) {
  for (const group of groups) {
    it(`${group.name}: every issue-13 bound met on every scene (${group.what})`, () => {
      for (const f of of(name, group.name)) expect(issue13Failures(f), f.scene).toEqual([]);
    });
  }
}

const CHECKS: Record<CancellerRole, (name: string) => void> = { 'pass-through': passThroughChecks, gate: gateChecks, 'issue-13': issue13Checks };

for (const { factory, role } of CANCELLERS_UNDER_TEST) {
  const name = factory(RATE).name;
  describe(`${name} (${role}) on the echo scenes, ${RATE / 1000} kHz`, () => CHECKS[role](name));
}
