// The echo canceller on echo paths that move all the time (aec-moving17): the lab's rooms with the
// device moving along a trajectory (a laptop's lid, the laptop slid, a hand-held mic, a nudged
// speaker, a mic on a gooseneck) or a body near it (the user leaning in and back, someone walking past
// the kiosk), test/helpers/echo-moving.ts; the lab's group `moving` at 16 kHz (18 calls at 120 ms,
// 6-30 dB), ~8 min on the shared 2-core machine. The generator is checked against what it claims (its keyframes are the
// room's committed responses where the geometry is the room's; a path held still gives the room's
// fixed echo). The canceller is held to issue 13's bounds on the scenes it meets them in at every
// block alignment measured (shifts 0, 31, 97: docs/echo-canceller.md, Figures: moving echo paths)
// and, on every scene, to the peers' figures on the same scenes (fixtures/echo-peers/figures-moving.json,
// by `node bench/echo-lab/peers-side.mjs --groups moving --save-peers fixtures/echo-peers/figures-moving.json`):
// the user delivered in double talk better than the better peer, leaks under speexdsp's (or within
// 1%), single talk up to the issue's bound at least speexdsp's, and the single-talk bound in all 18 scenes (the
// hand-held mic at 18 dB since hand33; the nudged speaker at 12 dB since coh35: the filter does not follow the nudge,
// and the suppressor no longer takes the burst the filter leaves for the user).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { placement, response, ROOMS, seedOf } from '../../scripts/echo-rooms.mjs';
import { movingGroup } from '../helpers/echo-grid.js';
import { issue13Failures, measureEcho, type EchoFigures } from '../helpers/echo-metrics.js';
import { movingEcho } from '../helpers/echo-moving.js';
import { runOurs } from '../helpers/echo-ours.js';
import { figuresReviver } from '../helpers/echo-report.js';
import { buildScene, sameFingerprint, sceneFingerprint } from '../helpers/echo-scenes.js';
import { convolve, loadRoom, roomsManifest } from '../helpers/echo-sources.js';
import { FIXTURES } from '../helpers/labels-vad.js';

/**
 * The scenes main's canceller (5306868) meets every bound of issue 13 in at shifts 0, 31 and 97
 * (bench/echo-lab.mjs scenes --groups moving --shifts 0,31,97): the regression guard; the nudged speaker at 12 dB
 * since coh35 (27.1 -> 36.8 / 37.1 / 44.0 dB at 0 / 31 / 97). The rest (the desk's hand-held mic at 18 dB, the kiosk's
 * gooseneck) is held to the peers only.
 */
const MEETS_ISSUE_13 =
  /^(laptop 16k call 120ms (6|12)dB moving lid|laptop 16k call 120ms (18|30)dB moving slide|laptop 16k call 120ms (6|12)dB moving lean|desk 16k call 120ms 30dB moving hand|desk 16k call 120ms (6|12)dB moving nudge|desk 16k call 120ms (18|30)dB moving lean|kiosk 16k call 120ms (6|12)dB moving walk|kiosk 16k call 120ms (18|30)dB moving lean)$/;

const ours: EchoFigures[] = [];
const peers: EchoFigures[] = [];
const stale: string[] = [];
const reference = JSON.parse(readFileSync(`${FIXTURES}echo-peers/figures-moving.json`, 'utf8'), figuresReviver) as {
  scenes: Record<string, { fingerprint: number[]; figures: EchoFigures[] }>;
};
const peerOf = (f: EchoFigures, name: string) => peers.find((p) => p.scene === f.scene && p.canceller === name)!;
const bound = (f: EchoFigures) => Math.min(40, f.singleTalk.ceilingDb - 3);

beforeAll(() => {
  for (const params of movingGroup(16000).scenes) {
    const scene = buildScene(params);
    const ref = reference.scenes[scene.name];
    if (!ref || !sameFingerprint(ref.fingerprint, sceneFingerprint(scene))) stale.push(scene.name);
    else peers.push(...ref.figures);
    ours.push(measureEcho(scene, runOurs(scene).output, 'EchoCanceller'));
  }
}, 900_000);

describe('the moving paths (test/helpers/echo-moving.ts)', () => {
  it("a keyframe where the geometry is the room's is the room's committed response (float32 rounding)", () => {
    for (const name of ['laptop', 'desk', 'kiosk']) {
      const room = ROOMS.find((r) => r.name === name)!;
      const beta = roomsManifest().rooms.find((r) => r.name === name)!.beta;
      const a = placement(room, 'a');
      const h = response(room, a.speaker, a.mic, beta, 16000, room.speakerHz, seedOf(name));
      const committed = loadRoom(name as 'laptop', 16000).echoA;
      expect(h.length, name).toBe(committed.length);
      let peak = 0;
      let worst = 0;
      for (let i = 0; i < h.length; i++) {
        peak = Math.max(peak, Math.abs(committed[i]!));
        worst = Math.max(worst, Math.abs(h[i]! - committed[i]!));
      }
      expect(worst / peak, name).toBeLessThan(1e-6);
    }
  });
  it("a device held still (a glide that never starts) gives the room's fixed echo; a moving one does not", () => {
    const played = new Float64Array(16000);
    let seed = 12345;
    for (let i = 0; i < played.length; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      played[i] = seed / 2 ** 32 - 0.5;
    }
    const room = loadRoom('desk', 16000);
    const fixed = convolve(played, room.echoA, played.length);
    const still = movingEcho(
      'desk',
      played,
      16000,
      { name: 'still', part: 'mic', to: [0.02, 0, 0], motion: { kind: 'glide', atS: [99], durationS: 1 } },
      played.length,
      () => fixed,
    );
    const moving = movingEcho(
      'desk',
      played,
      16000,
      { name: 'sway', part: 'mic', to: [0.1, 0, 0], motion: { kind: 'sway', periodS: 0.5 } },
      played.length,
      () => fixed,
    );
    let e = 0;
    let dStill = 0;
    let dMoving = 0;
    for (let i = 0; i < played.length; i++) {
      e += fixed[i]! ** 2;
      dStill += (still[i]! - fixed[i]!) ** 2;
      dMoving += (moving[i]! - fixed[i]!) ** 2;
    }
    expect(10 * Math.log10(dStill / e)).toBeLessThan(-100);
    expect(10 * Math.log10(dMoving / e)).toBeGreaterThan(-10);
  });
});

describe('EchoCanceller on echo paths that move all the time', () => {
  it('the peers reference covers every scene, made from the same mic signal', () => {
    expect(stale, 'rerun: node bench/echo-lab/peers-side.mjs --groups moving --save-peers fixtures/echo-peers/figures-moving.json').toEqual([]);
    expect(ours.length).toBe(18);
  });
  it('meets every bound of issue 13 in the scenes it meets them in at every block alignment measured (15 of 18)', () => {
    const guarded = ours.filter((f) => MEETS_ISSUE_13.test(f.scene));
    expect(guarded.length).toBe(15);
    for (const f of guarded) expect(issue13Failures(f), f.scene).toEqual([]);
  });
  it('delivers more of the user in double talk than the better of speexdsp and webrtc, in every scene', () => {
    for (const f of ours) {
      const best = Math.max(peerOf(f, 'speex').doubleTalk.cleanShare, peerOf(f, 'webrtc').doubleTalk.cleanShare);
      expect(f.doubleTalk.cleanShare, f.scene).toBeGreaterThan(best);
    }
  });
  it("leaks within issue 13's 1%, or less than speexdsp where it does not", () => {
    for (const f of ours) {
      const within = f.singleTalk.leakShare <= 0.01 || f.singleTalk.leakShare < peerOf(f, 'speex').singleTalk.leakShare;
      expect(within, `${f.scene}: ${(100 * f.singleTalk.leakShare).toFixed(1)}%`).toBe(true);
    }
  });
  it("removes at least speexdsp's single talk, up to issue 13's bound, in every scene", () => {
    for (const f of ours) {
      const speex = peerOf(f, 'speex');
      // (the reference keeps three decimals: 0.01 dB for its rounding where both stand at the bound)
      expect(Math.min(f.singleTalk.reductionDb, bound(f)), f.scene).toBeGreaterThanOrEqual(Math.min(speex.singleTalk.reductionDb, bound(f)) - 0.01);
    }
  });
  // The hand-held mic at 18 dB met it only from hand33 on (main 2379971: 17.8 dB, 2.7% leaks): the louder-error
  // rule restarts the filter at the sway's turn (3.19 s) and the delay's re-arm took a peak at 232 ms (the echo at
  // 121.5) on first sight; the filter sat there until 5.22 s and the echo passed at 4.7-4.9 s. A move past half the
  // filter's window in a re-arm now needs REARM_FAR_CONFIRM updates (assembly/aec-delay.ts): 29.3 dB, 0.2%.
  // The nudged speaker at 12 dB met it only from coh35 on (main e0f20f4: 27.1 dB, 0.9% leaks): the burst after the
  // nudge (4.7 s) passed as a presence, its excess 64% coherent with the echo estimate; a new presence now also needs
  // the excess less that coherent part over 10% of the error (assembly/aec-suppress.ts PRESENCE_INC): 36.8 dB, 0%.
  it("meets issue 13's single-talk bound in every scene", () => {
    for (const f of ours) expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(bound(f));
  });
  it('no utterance never delivered', () => {
    for (const f of ours) expect(f.doubleTalk.neverPassed, f.scene).toBe(0);
  });
});
