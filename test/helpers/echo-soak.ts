// One echo canceller as a server keeps it for hours (issue 13): a long run of audio built segment
// by segment (never whole in memory), on conditions the lab's 15-60 s scenes never put together:
// calls (the lab's replies and users, the user over each reply and alone in some pauses), reply
// pauses of minutes, path changes (the device moved to another room: the lab's and the outside
// rooms), the speaker's clock drifting against the mic's (played sample n is the reference at
// n x (1 + drift), echo-drift.ts's interpolator) with the playout resynchronised by a jump when the
// delay leaves 30-220 ms (what a real playout buffer does: at 100 ppm the echo moves 0.36 s an
// hour), and faults: the mic clipping (26 dB too much gain), all-zero, silent (-120 dBFS) or stuck
// at DC, and the reference no longer pushed while the speaker goes on playing.
//
// Every part is known by construction (echo, user, noise), so each call segment is measured by the
// lab's rules (echo-metrics.ts): the figures of one window, comparable over the hours.
import { meanPower, resampleAt } from './echo-drift.js';
import type { EchoScene, Interval } from './echo-scenes.js';
import { colouredNoise, convolve, loadClip, loadRoom, type RoomName } from './echo-sources.js';
import { rng } from './random.js';

export type SoakKind = 'call' | 'silence' | 'clip' | 'mic-zero' | 'mic-silent' | 'mic-dc' | 'reference-stops';

export interface SoakSegment {
  kind: SoakKind;
  /** Start in the run, samples. */
  start: number;
  room: RoomName;
  /** The path changed at this segment's start: another room, or a playout resync (a jump). */
  pathChange: 'room' | 'resync' | null;
  /** The segment follows a fault or a path change (its first 2 s are the canceller's to recover). */
  recovering: boolean;
  /** The true delay from the reference to the echo's direct path at the segment's start, ms. */
  echoDelayMs: number;
  /** What is pushed as the reference (zeros where it stops), and the rest as in a lab scene. */
  scene: EchoScene;
}

export interface SoakParams {
  sampleRate: number;
  /** Speaker clock against the mic's, ppm (> 0: the echo comes earlier over time). */
  driftPpm: number;
  /** Length of the run, s (whole cycles of the schedule below, the last one cut). */
  seconds: number;
  /** Rooms visited in turn, one per cycle (the first: where the call starts). */
  rooms: RoomName[];
  erlDb: number;
  /** System delay at the start, ms. */
  delayMs: number;
  noiseDb?: number;
  seed?: number;
}

/** The generator's state at a segment's start (soakResume): the schedule's place, the draws made, the clock, the tails. */
export interface SoakResume {
  /** The segment's start in the run, samples. */
  start: number;
  cycle: number;
  /** Its place in SOAK_CYCLE. */
  s: number;
  /** The seeded draws made before it. */
  draws: number;
  jumps: number;
  roomName: RoomName;
  echoGain: number;
  noiseAt: number;
  recovering: boolean;
  nextPathChange: SoakSegment['pathChange'];
  /** The reference before the segment (HISTORY_S) and what the speaker played before it (the room's response long). */
  refTail: Float32Array;
  playedTail: Float64Array;
}

/** One cycle (about 9 minutes): [kind, seconds]; the cycle's first call is in the cycle's room. */
export const SOAK_CYCLE: [SoakKind, number][] = [
  ['call', 30],
  ['call', 30],
  ['silence', 120],
  ['call', 30],
  ['clip', 10],
  ['call', 30],
  ['mic-zero', 10],
  ['call', 30],
  ['mic-dc', 10],
  ['call', 30],
  ['reference-stops', 10],
  ['call', 30],
  ['mic-silent', 10],
  ['call', 30],
  ['silence', 60],
  ['call', 30],
];
export const CYCLE_S = SOAK_CYCLE.reduce((s, [, t]) => s + t, 0);

/** The rooms a long run visits, one per cycle: the lab's three, then three it was not shaped on (echo-outside.ts). */
export const SOAK_ROOMS: RoomName[] = ['laptop', 'desk', 'kiosk', 'sox-medium', 'seminar', 'living-room'];

const REPLIES = ['assistant-forecast', 'assistant-recipe', 'assistant-recorded', 'assistant-heldout'];
const USERS = ['user-wait', 'user-friday', 'user-other', 'user-repeat', 'user-hold', 'user-hello', 'user-thanks', 'user-sorry'];
const DELAY_LOW_MS = 30;
const DELAY_HIGH_MS = 220;
const RESYNC_TO_MS = 120;
/** Reference kept before the segment for the delayed, drifting read, s. */
const HISTORY_S = 0.5;
const NOISE_BANK_S = 30;

/** A call's reference and user (dry) for `length` samples: replies with the user over each, alone in every other pause. */
function callContent(length: number, rate: number, random: () => number, turn: number) {
  const reference = new Float32Array(length);
  const dry = new Float64Array(length);
  const far: Interval[] = [];
  const users: { at: number; intervals: Interval[] }[] = [];
  const placeUser = (name: string, at: number) => {
    const u = loadClip('user', name, rate);
    if (at + u.samples.length >= length) return;
    for (let i = 0; i < u.samples.length; i++) dry[at + i] = u.samples[i]!;
    users.push({ at, intervals: u.speechIntervals });
  };
  let at = Math.round((0.3 + random()) * rate);
  for (let r = 0; at < length; r++) {
    const clip = loadClip('assistant', REPLIES[(turn + r) % REPLIES.length]!, rate);
    const n = Math.min(clip.samples.length, length - at);
    reference.set(clip.samples.subarray(0, n), at);
    for (const [a, b] of clip.speechIntervals) if (a < n) far.push([a + at, Math.min(b, n) + at]);
    placeUser(USERS[(turn + 2 * r) % USERS.length]!, at + Math.round((2 + 2 * random()) * rate));
    at += n;
    let pause = Math.round((0.8 + 1.6 * random()) * rate);
    if (r % 2 === 1) {
      placeUser(USERS[(turn + 2 * r + 1) % USERS.length]!, at + Math.round(0.8 * rate));
      pause = Math.max(pause, Math.round(3.5 * rate));
    }
    at += pause;
  }
  return { reference, dry, far, users };
}

/**
 * The run's segments in order (a generator: one segment's arrays at a time). Deterministic for
 * the same params. From `fromS` (s) on: the segments starting before it are not yielded and not
 * rendered (their draws, the reference's and the played signal's tails and a room's echo gain are
 * kept, so the rest are the same bit for bit, several times sooner: a replay of hour 40 or 50).
 * `resume` (soakResume's, fixture19): start at that segment with the state drawn there, without drawing the
 * run before it (seconds for a replay at hour 55, where fromS draws for minutes); `capture` (soakResume only): stop at
 * the segment starting at `capture.atS` s, its state in `capture.state`.
 */
export function* soakSegments(params: SoakParams, fromS = 0, resume?: SoakResume, capture?: { atS: number; state?: SoakResume }): Generator<SoakSegment> {
  const rate = params.sampleRate;
  const skipBefore = Math.round(fromS * rate);
  const draw = rng((params.seed ?? 1) * 7919 + 17);
  let draws = 0;
  const random = () => {
    draws++;
    return draw();
  };
  if (resume) for (let i = 0; i < resume.draws; i++) random();
  const ratio = 1 + params.driftPpm / 1e6;
  const history = Math.round(HISTORY_S * rate);
  const total = Math.round(params.seconds * rate);
  // The played signal's delay at mic sample n is delay0 + jumps - n (ratio - 1) samples.
  let jumps = resume?.jumps ?? 0;
  const delay0 = (params.delayMs / 1000) * rate;
  let refTail = resume ? Float32Array.from(resume.refTail) : new Float32Array(history); // the reference pushed or played before the segment
  let playedTail = resume ? Float64Array.from(resume.playedTail) : new Float64Array(0); // what the speaker played before (for the echo's tail)
  // a skipped segment's played signal, rendered only if a later segment reads its tail (fromS)
  let unplayed: { x: Float32Array; delay: number; reach: number; length: number; keep: number; prev: Float64Array } | null = null;
  const tailOf = () => {
    if (unplayed) {
      const { x, delay, reach, length, keep, prev } = unplayed;
      const withTail = new Float64Array(prev.length + length);
      withTail.set(prev, 0);
      withTail.set(resampleAt(x, ratio, delay - history, reach), prev.length);
      playedTail = withTail.slice(Math.max(0, withTail.length - keep));
      unplayed = null;
    }
    return playedTail;
  };
  let roomName = resume?.roomName ?? params.rooms[0]!;
  let room = loadRoom(roomName, rate);
  let echoGain = resume?.echoGain ?? 0;
  // the mic's noise: one seeded stretch of pink noise at the level, read round from a moving point
  const noiseBank = colouredNoise(2 ** Math.ceil(Math.log2(NOISE_BANK_S * rate)), rate, 'pink', params.noiseDb ?? -70, (params.seed ?? 1) * 104729 + 29);
  let noiseAt = resume?.noiseAt ?? 0;
  let start = resume?.start ?? 0;
  let recovering = resume?.recovering ?? false;
  let nextPathChange: SoakSegment['pathChange'] = resume?.nextPathChange ?? null;
  // a segment before `fromS` passed over: the noise's draw, the state the next segment reads, the clock
  const passOver = (kind: SoakKind, x: Float32Array, length: number) => {
    noiseAt = (noiseAt + length + Math.floor(random() * rate)) % noiseBank.length;
    nextPathChange = null;
    recovering = kind !== 'call' && kind !== 'silence';
    refTail = x.slice(length);
    start += length;
  };
  let firstS = resume?.s ?? 0;
  for (let cycle = resume?.cycle ?? 0; start < total; cycle++) {
    for (let s = firstS; s < SOAK_CYCLE.length && start < total; s++) {
      if (capture && start === Math.round(capture.atS * rate)) {
        playedTail = tailOf();
        capture.state = {
          start,
          cycle,
          s,
          draws,
          jumps,
          roomName,
          echoGain,
          noiseAt,
          recovering,
          nextPathChange,
          refTail: refTail.slice(),
          playedTail: playedTail.slice(),
        };
        return;
      }
      const [kind, seconds] = SOAK_CYCLE[s]!;
      if (s === 0 && cycle > 0) {
        const next = params.rooms[cycle % params.rooms.length]!;
        if (next !== roomName) {
          roomName = next;
          room = loadRoom(roomName, rate);
          echoGain = 0;
          nextPathChange = 'room';
        }
      }
      let delay = delay0 + jumps - start * (ratio - 1);
      if (delay < (DELAY_LOW_MS / 1000) * rate || delay > (DELAY_HIGH_MS / 1000) * rate) {
        jumps += (RESYNC_TO_MS / 1000) * rate - delay;
        delay = (RESYNC_TO_MS / 1000) * rate;
        nextPathChange ??= 'resync';
      }
      const length = Math.min(Math.round(seconds * rate), total - start);
      const content =
        kind === 'call' || kind === 'clip' || kind === 'mic-zero' || kind === 'mic-dc' || kind === 'reference-stops'
          ? callContent(length, rate, random, cycle * SOAK_CYCLE.length + s)
          : { reference: new Float32Array(length), dry: new Float64Array(length), far: [] as Interval[], users: [] as { at: number; intervals: Interval[] }[] };
      // played at run sample n = start + m is the reference at n ratio - delay0 - jumps = x's (m ratio + history - delay),
      // x = refTail ++ reference (its index 0 at run sample start - history)
      const x = new Float32Array(history + length);
      x.set(refTail, 0);
      x.set(content.reference, history);
      let last = x.length - 1;
      while (last >= 0 && x[last] === 0) last--;
      // played(m) reads x around m ratio + history - delay: zero once past x's last sound (and the kernel's reach)
      const reach = Math.max(0, Math.min(length, Math.ceil((last + 40 - history + delay) / ratio)));
      if (start < skipBefore && !(echoGain === 0 && content.far.length > 0)) {
        // not yielded, not rendered: the draws and the reference's tail now, the played signal when a later segment reads it
        const prev = length >= room.echoA.length ? new Float64Array(0) : tailOf();
        unplayed = { x, delay, reach, length, keep: room.echoA.length, prev };
        passOver(kind, x, length);
        continue;
      }
      playedTail = tailOf();
      const played = new Float64Array(length);
      played.set(resampleAt(x, ratio, delay - history, reach), 0);
      const withTail = new Float64Array(playedTail.length + length);
      withTail.set(playedTail, 0);
      withTail.set(played, playedTail.length);
      // the echo ends the room's response after the last sound played (a pause of minutes convolves nothing)
      const sounding = Math.min(withTail.length, playedTail.length + reach + room.echoA.length);
      const echoRaw = new Float64Array(length);
      echoRaw.set(convolve(withTail.subarray(0, playedTail.length + reach), room.echoA, sounding).subarray(playedTail.length), 0);
      const echoLabels = content.far.map(([a, b]) => [Math.round(a + delay + room.directA), Math.round(b + delay + room.directA)] as Interval);
      if (echoGain === 0 && content.far.length > 0) {
        echoGain = Math.sqrt(meanPower(content.reference, content.far) / meanPower(echoRaw, echoLabels) / 10 ** (params.erlDb / 10));
      }
      if (start < skipBefore) {
        // not yielded (the room's first call, rendered for its echo gain): the draws and the tails
        passOver(kind, x, length);
        playedTail = withTail.slice(Math.max(0, withTail.length - room.echoA.length));
        continue;
      }
      const wet = content.users.length > 0 ? convolve(content.dry, room.user, length) : content.dry;
      const directUser = Math.round(room.directUser);
      const near = new Float32Array(length);
      const nearLabels: Interval[] = [];
      const utterances: Interval[] = [];
      for (const u of content.users) {
        for (const [a, b] of u.intervals) nearLabels.push([a + u.at + directUser, b + u.at + directUser]);
        utterances.push([u.intervals[0]![0] + u.at + directUser, u.intervals.at(-1)![1] + u.at + directUser]);
      }
      if (nearLabels.length > 0) {
        const g = Math.sqrt(10 ** (-26 / 10) / meanPower(wet, nearLabels));
        for (let i = 0; i < length; i++) near[i] = wet[i]! * g;
      }
      const noise = new Float32Array(length);
      for (let i = 0; i < length; i++) noise[i] = noiseBank[(noiseAt + i) % noiseBank.length]!;
      noiseAt = (noiseAt + length + Math.floor(random() * rate)) % noiseBank.length;
      const echo = new Float32Array(length);
      const mic = new Float32Array(length);
      for (let i = 0; i < length; i++) {
        echo[i] = echoRaw[i]! * echoGain;
        mic[i] = echo[i]! + near[i]! + noise[i]!;
      }
      if (kind === 'clip') for (let i = 0; i < length; i++) mic[i] = Math.max(-1, Math.min(1, 20 * mic[i]!));
      else if (kind === 'mic-zero') mic.fill(0);
      else if (kind === 'mic-silent') for (let i = 0; i < length; i++) mic[i] = noise[i]! * 10 ** (-50 / 20);
      else if (kind === 'mic-dc') mic.fill(0.1);
      const pushed = kind === 'reference-stops' ? new Float32Array(length) : content.reference;
      const echoDelayMs = ((delay + room.directA) * 1000) / rate;
      const pathChange = nextPathChange;
      const judgedFresh = recovering || pathChange !== null;
      yield {
        kind,
        start,
        room: roomName,
        pathChange,
        recovering: judgedFresh,
        echoDelayMs,
        scene: {
          name: `${roomName} ${kind} ${(start / rate).toFixed(0)}s`,
          params: { room: roomName, sampleRate: rate, delayMs: params.delayMs, erlDb: params.erlDb, script: 'call', seed: params.seed },
          sampleRate: rate,
          reference: pushed,
          mic,
          echo,
          near,
          noise,
          labels: { near: nearLabels, utterances, far: content.far, echo: echoLabels },
          events: {
            // judged from 2 s after the segment's start when it follows a fault or a path change, whole otherwise
            echoStart: judgedFresh ? 0 : -2 * rate,
            pathChange: null,
            coldStartUser: null,
          },
          meta: { erlDb: params.erlDb, erlAfterChangeDb: null, distortionDb: null, drive: null, shiftMs: 0, echoDelayMs },
        },
      };
      nextPathChange = null;
      recovering = kind !== 'call' && kind !== 'silence';
      // what the next segment reads before its start: the speaker played the reference even where it was not pushed
      refTail = x.slice(length);
      playedTail = withTail.slice(Math.max(0, withTail.length - room.echoA.length));
      start += length;
    }
    firstS = 0;
  }
}

/**
 * The generator's state at the start of the segment starting at `atS` s (fixture19): soakSegments(params, 0, it)
 * yields that segment and the ones after it as soakSegments(params) does, bit for bit, without the run
 * before it (for a test at hour 55; bench/echo-soak-state.mjs writes one). Draws the run to `atS` (minutes at hour 55).
 */
export function soakResume(params: SoakParams, atS: number): SoakResume {
  const capture: { atS: number; state?: SoakResume } = { atS };
  soakSegments(params, atS, undefined, capture).next();
  if (!capture.state) throw new Error(`no segment starts at ${atS} s`);
  return capture.state;
}
