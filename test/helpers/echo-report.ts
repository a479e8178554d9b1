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
