// The echo canceller when the device processes what plays after the app hands it over (aec-drc):
// Windows loudness equalization, a phone's or laptop's speaker protection, Android's DRC. The
// reference is what the app played; the echo is that signal compressed or limited, through the
// room: the echo path's gain moves with the reply's level, which no linear filter models exactly.
// test/helpers/echo-drc.ts models four such chains (mild loudness EQ; a strong 4:1 compressor with
// 20 dB make-up; a fast limiter driven 12 dB; a 2-band speaker protection), applied between the
// reference tap and the room (test/helpers/echo-scenes.ts `drc`). The lab's three rooms, calls at
// 120 ms and cold starts at 60 ms (-70 dBFS mic noise), at 6 and 18 dB echo return loss, at 16 kHz
// through every chain (48 scenes) and at 24 kHz, the session rate, through the limiter (6 scenes),
// ~40 s unloaded. Beside the peers' figures on the same scenes (fixtures/echo-peers/figures-drc.json,
// by `ECHO_BENCH_GRID=drc node bench/echo.bench.mjs`). Held to what measuring it showed
// (docs/echo-canceller.md, Figures: the device's loudness processing; What is still weak): no false
// path change (the level-dependent gain read as a diverged filter: SCALED_COPY,
// assembly/aec-state.ts), the user delivered in double talk better than both peers, leaks well under
// speex's; and the single talk that falls short of issue 13's bounds and of webrtc's, held to its
// measured floor.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DrcName } from '../helpers/echo-drc.js';
import { drcGroup } from '../helpers/echo-grid.js';
import { measureEcho, type EchoFigures } from '../helpers/echo-metrics.js';
import { runOurs } from '../helpers/echo-ours.js';
import { figuresReviver, roomTable, sceneTable, shortfallsAgainstPeers, summarizeByRoom } from '../helpers/echo-report.js';
import { buildScene, sameFingerprint, sceneFingerprint } from '../helpers/echo-scenes.js';
import { FIXTURES } from '../helpers/labels-vad.js';

const ours: EchoFigures[] = [];
const peers: EchoFigures[] = [];
/** Path changes the canceller declared, per scene. */
const changes = new Map<string, number>();
const stale: string[] = [];
const reference = JSON.parse(readFileSync(`${FIXTURES}echo-peers/figures-drc.json`, 'utf8'), figuresReviver) as {
  scenes: Record<string, { fingerprint: number[]; figures: EchoFigures[] }>;
};

/** A scene's figures with the chain in the room's name ('laptop/limiter'): the tables and peer comparisons per room and chain. */
const bySetting = (f: EchoFigures): EchoFigures => {
  const setting = / drc (\S+)/.exec(f.scene)?.[1] ?? 'none';
  const [room, ...rest] = f.scene.split(' ');
  return { ...f, scene: [`${room}/${setting}`, ...rest].join(' ') };
};
const settingOf = (f: EchoFigures) => / drc (\S+)/.exec(f.scene)![1] as DrcName;
const erlOf = (f: EchoFigures) => Number(/ (\d+)dB/.exec(f.scene)![1]);

beforeAll(() => {
  const scenes = [...drcGroup(16000).scenes.filter((p) => p.erlDb !== 30), ...drcGroup(24000, ['limiter']).scenes.filter((p) => p.erlDb === 6)];
  for (const params of scenes) {
    const scene = buildScene(params);
    const ref = reference.scenes[scene.name];
    if (!ref || !sameFingerprint(ref.fingerprint, sceneFingerprint(scene))) stale.push(scene.name);
    else peers.push(...ref.figures.filter((f) => f.canceller !== 'webrtc-da'));
    const run = runOurs(scene);
    changes.set(scene.name, run.pathChanges);
    ours.push(measureEcho(scene, run.output, 'EchoCanceller'));
  }
  const mine = summarizeByRoom(ours.map(bySetting));
  const theirs = summarizeByRoom(peers.map(bySetting));
  console.log(
    `\nthe device's loudness processing, per scene\n${sceneTable(ours)}\n\nper room and chain, beside the peers (worst case)\n${roomTable([...mine, ...theirs])}\n\nshortfalls against the better peer:\n${shortfallsAgainstPeers(mine, theirs).join('\n')}\n\npath changes: ${
      [...changes]
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${s}: ${n}`)
        .join('; ') || 'none'
    }`,
  );
}, 900_000);

describe("EchoCanceller with the device's loudness processing after the reference tap", () => {
  it('the peers reference covers every scene, made from the same mic signal', () => {
    expect(stale, 'rerun: ECHO_BENCH_GRID=drc node bench/echo.bench.mjs').toEqual([]);
    expect(ours.length).toBe(54);
  });
  it('declares no more path changes than the same call without the processing: an estimate over twice the mic that is the mic echo at a lower level is not a diverged filter (SCALED_COPY; before it, 1-5 per limited call, up to 4 compressed); the 18 dB cold starts keep the one their plain scene declares (the filter that learned the user over the first reply), the kiosk two through loudness EQ and the compressor, and one in the desk 6 dB cold start through loudness EQ (none without: not traced)', () => {
    for (const [scene, n] of changes) {
      const plain = scene.includes(' cold-start 60ms 18dB') ? 1 : 0;
      const extra = /^(kiosk 16k cold-start 60ms 18dB drc (loudness|compressor)|desk 16k cold-start 60ms 6dB drc loudness)$/.test(scene) ? 1 : 0;
      expect(n, scene).toBeLessThanOrEqual(plain + extra);
    }
  });
  it('delivers more of the user in double talk than the better of speexdsp and webrtc, per room and chain', () => {
    const theirs = summarizeByRoom(peers.map(bySetting));
    for (const o of summarizeByRoom(ours.map(bySetting))) {
      const ps = theirs.filter((p) => p.room === o.room);
      expect(ps.length, o.room).toBeGreaterThan(0);
      expect(o.cleanShare, o.room).toBeGreaterThan(Math.max(...ps.map((p) => p.cleanShare)));
    }
  });
  it('leaks less than speexdsp in every scene', () => {
    for (const f of ours) {
      const speex = peers.find((p) => p.scene === f.scene && p.canceller === 'speex')!;
      expect(speex, f.scene).toBeDefined();
      expect(f.singleTalk.leakShare, f.scene).toBeLessThan(speex.singleTalk.leakShare);
    }
  });
  it('no utterance never delivered', () => {
    for (const f of ours) expect(f.doubleTalk.neverPassed, f.scene).toBe(0);
  });
  it("held to the measured floors per chain (still weak: single talk under issue 13's bound and webrtc's, leaks over 1% through the compressor and the 2-band; the lifted onsets that the per-octave level fit (LG_*) does not explain read as the user)", () => {
    for (const f of ours) {
      const floor = FLOORS[settingOf(f)];
      expect(f.singleTalk.reductionDb, f.scene).toBeGreaterThanOrEqual(floor.singleTalkDb[erlOf(f) === 6 ? 0 : 1]);
      expect(f.singleTalk.leakShare, f.scene).toBeLessThanOrEqual(floor.leakShare);
      expect(f.doubleTalk.cleanShare, f.scene).toBeGreaterThanOrEqual(floor.cleanShare);
    }
  });
});

/**
 * Measured (docs/echo-canceller.md, Figures: the device's loudness processing), worst scene per chain,
 * less 1 dB / plus 0.5 point / less 3 points: single talk at 6 / 18 dB, leaks, double talk. The
 * limiter's floors cover its 24 kHz scenes too (6 dB only; the laptop's cold start 22.5 dB there).
 */
const FLOORS: Record<DrcName, { singleTalkDb: [number, number]; leakShare: number; cleanShare: number }> = {
  loudness: { singleTalkDb: [25.1, 24.3], leakShare: 0.015, cleanShare: 0.874 }, // measured 26.1 / 25.3 dB, 1.0%, 90.4% (aec-drc2; 23.6 / 22.6 dB, 1.7% before)
  compressor: { singleTalkDb: [29.2, 18.4], leakShare: 0.02, cleanShare: 0.723 }, // 30.2 / 19.4 dB, 1.5%, 72.9% (aec-drc7: the onset lift under a presence only hanging, and held; 21.8 / 17.6 dB, 1.7% before; aec-drc6: the onset lift, OL_*; 20.8 / 16.8 dB, 2.1% before; aec-drc5: the block's own level fit and a lift's young presence ended; 19.6 / 16.8 dB, 2.3% before; aec-drc4: the kiosk's 6 dB call 24.3 -> 41.7 dB, one dirty frame more, as aec-drc2 alone; 74.1% with aec-drc3's LG_SHARE_LOW alone; 13.2 / 14.1 dB, 8.6%, 74.1% before aec-drc2)
  limiter: { singleTalkDb: [21.5, 27.2], leakShare: 0.01, cleanShare: 0.733 }, // 22.5 (24 kHz; 38.2 at 16) / 28.2 dB, 0.5%, 76.3%
  // double talk: 87.9% on aec-drc's own base; 81.8% (the kiosk's 6 dB call) merged with aec-jitnode /
  // aec-dtpath3 / aec-tailgate / aec-seminar (not traced which; docs/NOTES.md)
  'two-band': { singleTalkDb: [22.3, 17.8], leakShare: 0.024, cleanShare: 0.788 }, // 23.3 / 18.8 dB, 1.9%, 81.8% (aec-drc2; 21.4 / 18.4 dB, 4.0% before)
};
