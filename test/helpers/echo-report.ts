// Tables of echo figures (test/helpers/echo-metrics.ts): one row per scene, and the per-room
// summary of issue 13 (worst case over a room's scenes), as markdown. Shared by the quality test
// and the benchmark.
import type { EchoFigures } from './echo-metrics.js';

export interface RoomSummary {
  canceller: string;
  room: string;
  scenes: number;
  /** Worst single-talk reduction, and its noise ceiling (dB). */
  reductionDb: number;
  ceilingDb: number;
  /** Worst margin: reduction - min(40, ceiling - 3); >= 0 meets the bound. */
  reductionMarginDb: number;
  leakShare: number;
  cleanShare: number;
  /** Echo reduction during double talk (informative), worst. */
  doubleTalkEchoDb: number;
  openingMedianMs: number;
  neverPassed: number;
  coldStartConvergenceMs: number | null;
  pathChangeConvergenceMs: number | null;
  coldStartShare: number | null;
  userSegSnrDb: number;
}

const roomOf = (scene: string) => scene.split(' ')[0]!;

/** JSON for figures: three decimals, the latency check left out, Infinity and NaN kept as strings (figuresReviver reads them). */
export function figuresReplacer(key: string, v: unknown): unknown {
  if (key === 'alignment') return undefined;
  if (typeof v !== 'number' || Number.isInteger(v)) return v;
  return Number.isFinite(v) ? Number(v.toFixed(3)) : String(v);
}

export function figuresReviver(_key: string, v: unknown): unknown {
  return v === 'Infinity' ? Number.POSITIVE_INFINITY : v === 'NaN' ? Number.NaN : v;
}
const worstMax = (xs: (number | null)[]) => (xs.some((x) => x === null) ? null : Math.max(...(xs as number[])));

/** Worst case per canceller and room. `null` convergence means never reached (if any scene had it). */
export function summarizeByRoom(all: EchoFigures[]): RoomSummary[] {
  const keys = [...new Set(all.map((f) => `${f.canceller}\u0000${roomOf(f.scene)}`))];
  return keys.map((key) => {
    const [canceller, room] = key.split('\u0000') as [string, string];
    const fs = all.filter((f) => f.canceller === canceller && roomOf(f.scene) === room);
    const st = fs.filter((f) => f.singleTalk.frames >= 50);
    const margin = (f: EchoFigures) => f.singleTalk.reductionDb - Math.min(40, f.singleTalk.ceilingDb - 3);
    const worstSt = st.reduce((w, f) => (margin(f) < margin(w) ? f : w), st[0]!);
    const dt = fs.filter((f) => f.doubleTalk.frames >= 20);
    const opened = fs.filter((f) => f.doubleTalk.openingsMs.length > 0);
    const cold = fs.filter((f) => f.coldStart !== null);
    const changed = fs.filter((f) => f.convergence.pathChanged);
    const snr = fs.filter((f) => f.userSegSnrDb !== null);
    return {
      canceller,
      room,
      scenes: fs.length,
      reductionDb: worstSt ? worstSt.singleTalk.reductionDb : Number.NaN,
      ceilingDb: worstSt ? worstSt.singleTalk.ceilingDb : Number.NaN,
      reductionMarginDb: worstSt ? margin(worstSt) : Number.NaN,
      leakShare: Math.max(...st.map((f) => f.singleTalk.leakShare)),
      cleanShare: Math.min(...dt.map((f) => f.doubleTalk.cleanShare)),
      doubleTalkEchoDb: Math.min(...dt.map((f) => f.doubleTalk.echoReductionDb).filter((x) => !Number.isNaN(x))),
      openingMedianMs: Math.max(...opened.map((f) => f.doubleTalk.openingMedianMs)),
      neverPassed: fs.reduce((n, f) => n + f.doubleTalk.neverPassed, 0),
      coldStartConvergenceMs: worstMax(fs.map((f) => f.convergence.coldStartMs)),
      pathChangeConvergenceMs: changed.length ? worstMax(changed.map((f) => f.convergence.pathChangeMs)) : Number.NaN,
      coldStartShare: cold.length ? Math.min(...cold.map((f) => f.coldStart!.share)) : null,
      userSegSnrDb: Math.min(...snr.map((f) => f.userSegSnrDb!)),
    };
  });
}

const n1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : x === Number.POSITIVE_INFINITY ? 'never' : '-');
const pct = (x: number | null) => (x === null || !Number.isFinite(x) ? '-' : `${(100 * x).toFixed(1)}%`);
const ms = (x: number | null) => (x === null || x === Number.POSITIVE_INFINITY ? 'never' : Number.isFinite(x) ? String(Math.round(x)) : '-');

export function roomTable(rows: RoomSummary[]): string {
  const head = [
    '| canceller | room | scenes | single talk dB (ceiling) | leaks | double talk clean | echo under talk dB | opening median ms | never delivered | convergence ms: cold / path change | cold-start delivered | user segSNR dB |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  return [
    ...head,
    ...rows.map(
      (r) =>
        `| ${r.canceller} | ${r.room} | ${r.scenes} | ${n1(r.reductionDb)} (${n1(r.ceilingDb)}) | ${pct(r.leakShare)} | ${pct(r.cleanShare)} | ${n1(r.doubleTalkEchoDb)} | ${ms(r.openingMedianMs)} | ${r.neverPassed} | ${ms(r.coldStartConvergenceMs)} / ${ms(r.pathChangeConvergenceMs)} | ${pct(r.coldStartShare)} | ${n1(r.userSegSnrDb)} |`,
    ),
  ].join('\n');
}

export function sceneTable(all: EchoFigures[]): string {
  const head = [
    '| canceller | scene | single talk dB (ceiling) | leaks | DT frames | DT clean | echo under talk dB | openings ms | conv. ms cold / change | cold start | user segSNR dB |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
  ];
  return [
    ...head,
    ...all.map((f) => {
      const open = f.doubleTalk.openingsMs.map((x) => (Number.isFinite(x) ? String(x) : 'never')).join('/');
      const cold = f.coldStart ? `${pct(f.coldStart.share)} (${f.coldStart.neverPassed}/${f.coldStart.utterances} never)` : '-';
      const change = f.convergence.pathChanged ? ms(f.convergence.pathChangeMs) : '-';
      return `| ${f.canceller} | ${f.scene} | ${n1(f.singleTalk.reductionDb)} (${n1(f.singleTalk.ceilingDb)}) | ${pct(f.singleTalk.leakShare)} | ${f.doubleTalk.frames} | ${pct(f.doubleTalk.cleanShare)} | ${n1(f.doubleTalk.echoReductionDb)} | ${open} | ${ms(f.convergence.coldStartMs)} / ${change} | ${cold} | ${f.userSegSnrDb === null ? '-' : n1(f.userSegSnrDb)} |`;
    }),
  ].join('\n');
}

/**
 * Issue 13: "at least as good as the better of speexdsp and webrtc on every metric in every room".
 * Per room and metric, ours (worst case) against the best peer (worst case), where a peer that
 * does better than the issue's own bound only asks ours to meet the bound (beyond it the mic noise
 * or nothing audible decides: webrtc's output can go below the mic noise, which comfort noise must
 * not); the user's segmental SNR has no bound and is compared as is. Tolerances: one 10 ms frame,
 * 0.5 dB, 0.5 percentage point. Returns the shortfalls.
 */
export function shortfallsAgainstPeers(ours: RoomSummary[], peers: RoomSummary[]): string[] {
  const out: string[] = [];
  const inf = (x: number | null) => (x === null ? Number.POSITIVE_INFINITY : x);
  for (const o of ours) {
    const ps = peers.filter((p) => p.room === o.room);
    if (ps.length === 0) continue;
    const best = (pick: (p: RoomSummary) => number, higher: boolean) => (higher ? Math.max(...ps.map(pick)) : Math.min(...ps.map(pick)));
    const check = (what: string, mine: number, target: number, higher: boolean, tolerance: number) => {
      if (Number.isNaN(target) || Number.isNaN(mine)) return;
      if (higher ? mine < target - tolerance : mine > target + tolerance) out.push(`${o.room}: ${what} ${mine.toFixed(3)} vs ${target.toFixed(3)}`);
    };
    check(
      'single-talk margin dB',
      o.reductionMarginDb,
      Math.min(
        0,
        best((p) => p.reductionMarginDb, true),
      ),
      true,
      0.5,
    );
    check(
      'leak share',
      o.leakShare,
      Math.max(
        0.01,
        best((p) => p.leakShare, false),
      ),
      false,
      0.005,
    );
    check(
      'double-talk clean share',
      o.cleanShare,
      Math.min(
        0.9,
        best((p) => p.cleanShare, true),
      ),
      true,
      0.005,
    );
    check(
      'opening median ms',
      o.openingMedianMs,
      Math.max(
        40,
        best((p) => p.openingMedianMs, false),
      ),
      false,
      10,
    );
    check(
      'utterances never delivered',
      o.neverPassed,
      best((p) => p.neverPassed, false),
      false,
      0,
    );
    check(
      'cold-start convergence ms',
      inf(o.coldStartConvergenceMs),
      Math.max(
        1000,
        best((p) => inf(p.coldStartConvergenceMs), false),
      ),
      false,
      10,
    );
    if (!Number.isNaN(o.pathChangeConvergenceMs ?? 0))
      check(
        'path-change convergence ms',
        inf(o.pathChangeConvergenceMs),
        Math.max(
          1000,
          best((p) => inf(p.pathChangeConvergenceMs), false),
        ),
        false,
        10,
      );
    if (o.coldStartShare !== null)
      check(
        'cold-start share',
        o.coldStartShare,
        Math.min(
          0.9,
          best((p) => p.coldStartShare ?? Number.NaN, true),
        ),
        true,
        0.005,
      );
    check(
      'user segSNR dB',
      o.userSegSnrDb,
      best((p) => p.userSegSnrDb, true),
      true,
      0.5,
    );
  }
  return out;
}
