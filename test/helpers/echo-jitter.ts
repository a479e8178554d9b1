// The echo lab's calls over a jittery network (issue 13: "a buffer underrun shifts playout"; the
// reply arriving late, the playback underrunning and resuming, a barge-in flushing it mid-word).
//
// The assistant's 24 kHz reply is sent as 20 ms deltas in realtime (a TTS streaming as it speaks),
// each delivered by a network model (below), and played by the real `PlaybackPipeline` (its
// adaptive playout delay, its underruns with their fades, `interrupt()` at the barge-in), read in
// 128-frame quanta at the scene's rate. What it emits is the scene's reference (what the app
// passes as "the speaker plays this now"); the echo is that, `delayMs` later, through the lab's
// room, scaled to the echo return loss; the user and the mic noise are placed as in
// test/helpers/echo-scenes.ts, so test/helpers/echo-metrics.ts measures the result as it measures
// the lab. With `tap`, the playback runs at the session rate with its `sessionReference` (what the
// adapter and the browser processors use): the reference is then what the speaker plays at the
// scene's (device) rate, and the tap, what went into the speaker's resampler at 24 kHz, is kept
// for a CapturePipeline with `referenceRate: 24000`.
//
// Network models (per 20 ms delta; in order, as over a WebSocket: a delta never arrives before the
// one sent before it, so an outage holds back everything behind it and releases it in a burst):
// - 'steady': on time (the comparison: the same scene without jitter);
// - 'mobile': the channel's own jitter, exponential with a 5 ms mean (a clear cellular channel: 20 ms
//   packets arriving with inter-packet gaps mostly under 30 ms, a few at 40 ms: wirelessmoves, "OTT
//   voice observations" parts 3-4, 2026, LTE/5G), plus outages at Poisson times (one per `outageEveryS`, 2 s:
//   far more often than those traces, where a walk of 7 minutes had 3 gaps over 400 ms, to put
//   several in one call) whose lengths are heavy-tailed: Pareto with a 50 ms minimum and shape 1.5
//   (median 79 ms: a break-before-make handover, 50-90 ms by Ericsson's figure quoted there;
//   7% over 300 ms, 4% over 400 ms), capped at 700 ms. ITU-T Y.1541's IP QoS classes 0-1 bound the delay
//   variation at 50 ms; this is a network well outside them (Wi-Fi under load, a moving phone).
import { PlaybackPipeline } from '../../src/index.js';
import type { EchoScene, Interval } from './echo-scenes.js';
import { colouredNoise, convolve, loadClip, loadRoom, speechNames, type RoomName } from './echo-sources.js';
import { USERS_TUNING, meanPower, placeUser } from './echo-scenes.js';
import { rng } from './random.js';

export const SESSION_RATE = 24000;
const DELTA_FRAMES = 480; // 20 ms at 24 kHz
const QUANTUM = 128;

export type NetworkName = 'steady' | 'mobile';

export interface NetworkModel {
  name: NetworkName;
  /** Mean of the channel's own (exponential) jitter, ms. */
  jitterMeanMs: number;
  /** Mean time between outages, s (Poisson); Infinity for none. */
  outageEveryS: number;
  /** Pareto outage lengths: minimum, shape, cap (ms). */
  outageMinMs: number;
  outageShape: number;
  outageCapMs: number;
}

export const NETWORKS: Record<NetworkName, NetworkModel> = {
  steady: { name: 'steady', jitterMeanMs: 0, outageEveryS: Number.POSITIVE_INFINITY, outageMinMs: 50, outageShape: 1.5, outageCapMs: 700 },
  mobile: { name: 'mobile', jitterMeanMs: 5, outageEveryS: 2, outageMinMs: 50, outageShape: 1.5, outageCapMs: 700 },
};

export interface Delta {
  atS: number;
  itemId: string;
  from: number;
  to: number;
  last: boolean;
}

export type JitterScript = 'call' | 'cold-start';

export interface JitterSceneParams {
  room: RoomName;
  sampleRate: number;
  delayMs: number;
  erlDb: number;
  script: JitterScript;
  network: NetworkName;
  noiseDb?: number;
  /** The playback at the session rate with its tap (the adapter's default); the reference is then the speaker's stream. */
  tap?: boolean;
  /** The second reply (default: the next of the tuning replies after the first, as the lab's cold start takes it). */
  secondReply?: string;
  seed?: number;
}

export interface JitterScene extends EchoScene {
  /** With `tap`: what the playback's tap gave at 24 kHz, in step with `reference` (64 frames per 128-frame quantum at 48 kHz). */
  session: Float32Array | null;
  playback: {
    underruns: number;
    /** Each underrun's silence (the playback's counter, between its fades), ms. */
    gapsMs: number[];
    /** When each underrun's silence began, s of the scene. */
    gapsAtS: number[];
    /** The barge-in: when (s of the scene) and how much of the cut item had been heard (ms). */
    bargeIn: { atS: number; playedMs: number } | null;
    outages: number;
    /** Session frames of the tap pushed (0 without `tap`): reads x blockFrames when every read pushed whole blocks. */
    tapFrames: number;
    /** 128-frame reads of the playback (the played stream, before it is cut to the scene's length). */
    reads: number;
  };
}

/** The deltas of one item sent in realtime from `startS`, delivered by the network model. */
function deliver(
  pcmFrames: number,
  itemId: string,
  startS: number,
  model: NetworkModel,
  random: () => number,
  outages: { at: number; end: number }[],
): Delta[] {
  const deltas: Delta[] = [];
  let previous = 0;
  for (let from = 0; from < pcmFrames; from += DELTA_FRAMES) {
    const to = Math.min(pcmFrames, from + DELTA_FRAMES);
    const sent = startS + to / SESSION_RATE; // sent once generated
    let at = sent + (model.jitterMeanMs > 0 ? (-Math.log(1 - random()) * model.jitterMeanMs) / 1000 : 0);
    for (const o of outages) if (at >= o.at && at < o.end) at = o.end;
    at = Math.max(at, previous);
    previous = at;
    deltas.push({ atS: at, itemId, from, to, last: to === pcmFrames });
  }
  return deltas;
}

/** Outages over [0, seconds): Poisson times, Pareto lengths. */
function outagesFor(seconds: number, model: NetworkModel, random: () => number): { at: number; end: number }[] {
  const out: { at: number; end: number }[] = [];
  if (!Number.isFinite(model.outageEveryS)) return out;
  for (let t = -Math.log(1 - random()) * model.outageEveryS; t < seconds; t += -Math.log(1 - random()) * model.outageEveryS) {
    const ms = Math.min(model.outageCapMs, model.outageMinMs / (1 - random()) ** (1 / model.outageShape));
    out.push({ at: t, end: t + ms / 1000 });
  }
  return out;
}

const toPcm16 = (x: Float32Array) => Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))));

interface Played {
  reference: Float32Array;
  session: Float32Array | null;
  underruns: number;
  gapsMs: number[];
  gapsAtS: number[];
  bargeIn: { atS: number; playedMs: number } | null;
  tapFrames: number;
  reads: number;
}

/** Plays the items through a PlaybackPipeline at `rate` for `seconds`, the deltas pushed at the quantum where they arrived; interrupt at `bargeInS`. */
function play(items: Map<string, Int16Array>, deltas: Delta[], rate: number, seconds: number, bargeInS: number | null, tap: boolean): Played {
  const quanta = Math.ceil((seconds * rate) / QUANTUM);
  const reference = new Float32Array(quanta * QUANTUM);
  const sessionBlocks: Float32Array[] = [];
  let tapFrames = 0;
  const sink = {
    pushReference(x: Float32Array): void {
      tapFrames += x.length;
      sessionBlocks.push(x.slice());
    },
  };
  const p = new PlaybackPipeline({ outputRate: rate, inputRate: SESSION_RATE, ...(tap ? { sessionReference: sink } : {}) });
  const order = [...deltas].sort((a, b) => a.atS - b.atS);
  const out = new Float32Array(QUANTUM);
  const gapsMs: number[] = [];
  const gapsAtS: number[] = [];
  let gap = 0;
  let next = 0;
  let bargeIn: Played['bargeIn'] = null;
  try {
    for (let q = 0; q < quanta; q++) {
      const now = ((q + 1) * QUANTUM) / rate; // what arrived during this quantum is there for its read
      if (bargeInS !== null && bargeIn === null && now >= bargeInS) {
        const cut = p.interrupt();
        bargeIn = { atS: now, playedMs: cut.playedMs };
      }
      while (next < order.length && order[next]!.atS <= now) {
        const d = order[next++]!;
        p.pushPcm16(items.get(d.itemId)!.subarray(d.from, d.to), d.itemId);
        if (d.last) p.endItem(d.itemId);
      }
      const before = p.stats.underrunFrames;
      out.fill(0);
      p.read(out);
      reference.set(out, q * QUANTUM);
      const silent = p.stats.underrunFrames - before;
      if (silent > 0) {
        if (gap === 0) gapsAtS.push((q * QUANTUM) / rate);
        gap += silent;
      } else if (gap > 0) {
        gapsMs.push(Math.round((gap * 1000) / p.playoutRate));
        gap = 0;
      }
    }
    const underruns = p.stats.underruns;
    let session: Float32Array | null = null;
    if (tap) {
      session = new Float32Array(tapFrames);
      let at = 0;
      for (const b of sessionBlocks) {
        session.set(b, at);
        at += b.length;
      }
    }
    return { reference, session, underruns, gapsMs, gapsAtS, bargeIn, tapFrames, reads: quanta };
  } finally {
    p.free();
  }
}

/** 10 ms frames of `x` whose RMS is above -55 dBFS (the reply active at -20 dBFS; its fades' low steps included), as intervals. */
function activeIntervals(x: Float32Array, rate: number): Interval[] {
  const size = rate / 100;
  const out: Interval[] = [];
  for (let k = 0; (k + 1) * size <= x.length; k++) {
    let e = 0;
    for (let i = k * size; i < (k + 1) * size; i++) e += x[i]! ** 2;
    if (e / size < 10 ** (-55 / 10)) continue;
    const last = out[out.length - 1];
    if (last && last[1] === k * size) last[1] = (k + 1) * size;
    else out.push([k * size, (k + 1) * size]);
  }
  return out;
}

const REPLIES = ['assistant-forecast', 'assistant-recipe', 'assistant-recorded'];
const LEAD_S = 0.3;
/** The server's VAD reports speech_started this long after the user's first word; the app then interrupts. */
const BARGE_IN_AFTER_S = 0.3;

/**
 * A lab call over the network model: 'call' (a reply; the user over it at ~3.2 and ~5.8 s, the
 * second time a barge-in: the playback is flushed 0.3 s into the word, mid-reply; the next reply
 * sent 1.5 s later, the user over it twice, then alone after it), 'cold-start' (two replies 1.2 s
 * apart, the user over the first 0.8 s into the call, then every ~2.4 s, then alone).
 */
export function buildJitterScene(params: JitterSceneParams): JitterScene {
  const { room: roomName, sampleRate: rate, delayMs, erlDb, script } = params;
  const seed = params.seed ?? 1;
  const model = NETWORKS[params.network];
  const random = rng(seed * 7919 + script.length);
  const netRandom = rng(seed * 104723 + 11);
  const noiseDb = params.noiseDb ?? -70;
  const nearDb = -26;
  const room = loadRoom(roomName, rate);
  const toSamples = (s: number) => Math.round(s * rate);
  const first = REPLIES[seed % REPLIES.length]!;
  const second = params.secondReply ?? REPLIES[(seed + 1) % REPLIES.length]!;
  const pcmA = toPcm16(loadClip('assistant', first, SESSION_RATE).samples);
  const pcmB = toPcm16(loadClip('assistant', second, SESSION_RATE).samples);
  const items = new Map([
    ['reply-a', pcmA],
    ['reply-b', pcmB],
  ]);
  const lenA = pcmA.length / SESSION_RATE;
  const lenB = pcmB.length / SESSION_RATE;

  // When the user speaks (s), when the barge-in happens, when the second reply is sent.
  let userTimes: number[];
  let bargeInS: number | null = null;
  let startB: number;
  if (script === 'call') {
    const t1 = 3.2 + 0.3 * random();
    const t2 = 5.8 + 0.3 * random();
    bargeInS = t2 + BARGE_IN_AFTER_S;
    startB = bargeInS + 1.5;
    userTimes = [t1, t2, startB + 2.0 + 0.3 * random(), startB + 4.6 + 0.3 * random()];
  } else {
    startB = LEAD_S + lenA + 1.2;
    userTimes = [0.8];
    for (let k = 1; k < 6; k++) userTimes.push(0.8 + 2.4 * k + 0.4 * (random() - 0.5));
  }
  const horizon = startB + lenB + 4; // generous: outages and the playout delay push the end out
  const outages = outagesFor(horizon, model, netRandom);
  const deltas = [...deliver(pcmA.length, 'reply-a', LEAD_S, model, netRandom, outages), ...deliver(pcmB.length, 'reply-b', startB, model, netRandom, outages)];
  const bargeDrop = bargeInS; // the server stops sending the cut reply once it cancels
  const sentDeltas = bargeDrop === null ? deltas : deltas.filter((d) => d.itemId !== 'reply-a' || d.atS < bargeDrop);

  // Play long enough, then find where the played audio ends; the user's last utterance comes 1.2 s after.
  const played = play(items, sentDeltas, rate, horizon + 6, bargeInS, params.tap === true); // room for the user's last words after the reply
  const far = activeIntervals(played.reference, rate);
  const farEnd = far[far.length - 1]![1] / rate;
  const users = speechNames('user').filter((n) => USERS_TUNING.includes(n));
  userTimes.push(Math.max(farEnd, userTimes[userTimes.length - 1]! + 1.5) + 1.2);
  const near = userTimes.map((t, k) => {
    const clip = loadClip('user', users[(seed + k) % users.length]!, rate);
    return { samples: clip.samples, at: toSamples(t), intervals: clip.speechIntervals };
  });
  const lastNear = near[near.length - 1]!;
  const length = lastNear.at + lastNear.samples.length + toSamples(1.0);
  if (length > played.reference.length) throw new Error(`buildJitterScene: played ${played.reference.length} samples, the scene needs ${length}`);
  const reference = played.reference.slice(0, length);
  const farIntervals = far.filter(([a]) => a < length);

  // The echo: the reference delayed, through the room, at the echo return loss.
  const delay = toSamples(delayMs / 1000);
  const delayed = new Float64Array(length);
  for (let t = delay; t < length; t++) delayed[t] = reference[t - delay]!;
  const echo = convolve(delayed, room.echoA, length);
  const directA = Math.round(room.directA);
  const gain = Math.sqrt(meanPower(reference, farIntervals) / meanPower(echo, farIntervals, delay + directA) / 10 ** (erlDb / 10));

  // The user and the noise.
  const { dry, nearIntervals, utterances } = placeUser(near, length, Math.round(room.directUser));
  const wet = convolve(dry, room.user, length);
  const nearGain = Math.sqrt(10 ** (nearDb / 10) / meanPower(wet, nearIntervals));
  const noise = Float32Array.from(colouredNoise(length, rate, 'pink', noiseDb, seed * 104729 + 17));
  const micOut = new Float32Array(length);
  const echoOut = new Float32Array(length);
  const nearOut = new Float32Array(length);
  for (let t = 0; t < length; t++) {
    echoOut[t] = gain * echo[t]!;
    nearOut[t] = nearGain * wet[t]!;
    micOut[t] = echoOut[t]! + nearOut[t]! + noise[t]!;
  }
  const toMic = (a: number) => a + delay + directA;
  const name = `${roomName} ${rate / 1000}k ${script} ${delayMs}ms ${erlDb}dB ${params.network}${params.tap ? ' tap' : ''}`;
  const sessionLength = played.session === null ? 0 : Math.round((length * SESSION_RATE) / rate);
  return {
    name,
    params: { room: roomName, sampleRate: rate, delayMs, erlDb, script, noiseDb, seed },
    sampleRate: rate,
    reference,
    mic: micOut,
    echo: echoOut,
    near: nearOut,
    noise,
    labels: { near: nearIntervals, utterances, far: farIntervals, echo: farIntervals.map(([a, b]) => [toMic(a), toMic(b)] as Interval) },
    events: { echoStart: toMic(farIntervals[0]![0]), pathChange: null, coldStartUser: script === 'cold-start' ? utterances[0]![0] : null },
    meta: {
      erlDb: 10 * Math.log10(meanPower(reference, farIntervals) / meanPower(echoOut, farIntervals, delay + directA)),
      erlAfterChangeDb: null,
      distortionDb: null,
      drive: null,
      shiftMs: 0,
      echoDelayMs: ((delay + room.directA) * 1000) / rate,
    },
    session: played.session === null ? null : played.session.slice(0, sessionLength),
    playback: {
      underruns: played.underruns,
      gapsMs: played.gapsMs,
      gapsAtS: played.gapsAtS,
      bargeIn: played.bargeIn,
      outages: outages.length,
      tapFrames: played.tapFrames,
      reads: played.reads,
    },
  };
}
