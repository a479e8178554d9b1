// A phone call through the bridge in both directions, against the local session: passed through
// (the session speaks the call's mu-law: bit for bit both ways, with the caller's chunks jittered
// and reordered), and transcoded (the session speaks 24 kHz PCM16), where each direction is
// compared with sox's conversion of the same audio (fixtures/phone, scripts/make-phone-fixtures.sh)
// at the precision of G.711: the difference from sox must be smaller than what G.711 coding
// itself takes away from that audio. Codes are decoded with sox's own table (fixtures/g711).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { PhoneBridge } from '../../src/transport/phone-bridge.js';
import { PhoneHarness } from '../helpers/phone-harness.js';

const fixture = (path: string) => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url));
const int16s = (bytes: Buffer) => new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
const callerUlaw = new Uint8Array(fixture('g711/hello-world.ul'));
const sox24k = int16s(fixture('phone/caller-24000.s16'));
const soxReplyUlaw = new Uint8Array(fixture('phone/reply-8000.ul'));
const soxTable = int16s(fixture('g711/codes-ulaw.s16'));

/** The caller: silent for `silentFrames` 20 ms frames, then the prompt, then silent. */
function caller(silentFrames: number) {
  return (i: number) => {
    const k = i - silentFrames;
    if (k < 0 || k * 160 >= callerUlaw.length) return undefined;
    const frame = new Uint8Array(160).fill(0xff);
    frame.set(callerUlaw.subarray(k * 160, k * 160 + 160));
    return frame;
  };
}

/** The lag of `test` against `ref` (test[i + lag] ~ ref[i]) in [from, to] with the largest correlation. */
function bestLag(ref: ArrayLike<number>, test: ArrayLike<number>, from: number, to: number): number {
  let best = from;
  let bestDot = Number.NEGATIVE_INFINITY;
  for (let lag = from; lag <= to; lag++) {
    let dot = 0;
    for (let i = 0; i < ref.length; i++) dot += ref[i]! * (test[i + lag] ?? 0);
    if (dot > bestDot) {
      bestDot = dot;
      best = lag;
    }
  }
  return best;
}

/** SNR of `test` (from `lag`) against `ref`, dB. */
function snrDb(ref: ArrayLike<number>, test: ArrayLike<number>, lag: number): number {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < ref.length; i++) {
    signal += ref[i]! ** 2;
    noise += (ref[i]! - (test[i + lag] ?? 0)) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

/** What G.711 mu-law coding takes from `pcm` (as sox codes it), as an SNR in dB: the bar to clear. */
function g711SnrDb(pcm: Int16Array): number {
  // sox's table gives each code's value; the code of a value is the one whose value is nearest
  const values = [...soxTable].sort((a, b) => a - b);
  const coded = Int16Array.from(pcm, (x) => {
    let lo = 0;
    let hi = values.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (values[mid]! <= x) lo = mid;
      else hi = mid;
    }
    return Math.abs(values[lo]! - x) <= Math.abs(values[hi]! - x) ? values[lo]! : values[hi]!;
  });
  return snrDb(pcm, coded, 0);
}

let h: PhoneHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Runs one call; returns the session's appended audio, the carrier's payloads of the first reply, and the bridge. */
async function runCall(audio: 'passthrough' | 'transcode', options: { jitterMs?: number; seconds: number; silentFrames: number }) {
  h = await PhoneHarness.start({ session: { paceFactor: 3, maxEchoMs: 0 }, phone: { replyVoice: sox24k, bridge: { audio } } });
  const appends: Buffer[] = [];
  const deltas = new Map<string, Buffer[]>();
  h.onSessionEvent = (_bridge: PhoneBridge, direction, event) => {
    if (direction === 'out' && event.type === 'input_audio_buffer.append') appends.push(Buffer.from(event.audio as string, 'base64'));
    if (direction === 'in' && event.type === 'response.output_audio.delta') {
      const id = event.item_id as string;
      deltas.set(id, [...(deltas.get(id) ?? []), Buffer.from(event.delta as string, 'base64')]);
    }
  };
  const call = await h.call({ caller: caller(options.silentFrames), jitterMs: options.jitterMs, seed: 5 });
  await h.runUntil(options.seconds * 1000);
  const sent = [...deltas.values()].map((parts) => Buffer.concat(parts));
  const heard = Buffer.concat(call.sim.payloads.map((p) => Buffer.from(p.bytes)));
  return { appended: Buffer.concat(appends), sent, heard, call };
}

describe('phone: the audio both ways', () => {
  it('passthrough is bit-exact both ways, with the caller chunks jittered 0-35 ms and reordered', async () => {
    const { appended, sent, heard, call } = await runCall('passthrough', { jitterMs: 35, seconds: 6, silentFrames: 100 });
    // caller -> session: 2 s of silence, the prompt, silence: exactly the carrier's stream
    const stream = new Uint8Array(appended.length).fill(0xff);
    stream.set(callerUlaw, 100 * 160);
    expect(appended.length).toBeGreaterThan(100 * 160 + callerUlaw.length);
    expect(new Uint8Array(appended)).toEqual(stream);
    expect(call.bridge.stats.carrier.inbound.reordered).toBeGreaterThan(0);
    // session -> caller: the greeting and the answer to the prompt, played whole, byte for byte
    expect(sent.length).toBe(2);
    expect(new Uint8Array(heard)).toEqual(new Uint8Array(Buffer.concat(sent)));
    expect(call.sim.clears).toBe(0);
  });

  it('transcoding matches sox within what G.711 itself loses, both ways', async () => {
    const { appended, heard } = await runCall('transcode', { seconds: 5, silentFrames: 100 });
    // caller -> session (24 kHz PCM16): the prompt starts 2 s in, delayed by the resampler
    const session = int16s(appended);
    const lagIn = bestLag(sox24k, session, 48000 - 60, 48000 + 60);
    const inSnr = snrDb(sox24k, session, lagIn);
    const bar = g711SnrDb(sox24k);
    // session -> caller (8 kHz mu-law): the greeting, from the first payload on, against sox's (both
    // are aligned with their input: sox's rate is linear phase, ours holds its filter delay back)
    const ours = Int16Array.from(heard.subarray(0, soxReplyUlaw.length + 80), (c) => soxTable[c]!);
    const soxLinear = Int16Array.from(soxReplyUlaw, (c) => soxTable[c]!);
    const lagOut = bestLag(soxLinear, ours, -20, 20);
    const outSnr = snrDb(soxLinear, ours, lagOut);
    let codeSteps = 0;
    for (let i = 0; i < soxReplyUlaw.length - 40; i++) if (Math.abs((heard[i + lagOut]! & 0x7f) - (soxReplyUlaw[i]! & 0x7f)) > 1) codeSteps++;
    console.log(
      `transcoding vs sox: caller -> session ${inSnr.toFixed(1)} dB (lag ${lagIn - 48000} samples at 24 kHz), session -> caller ${outSnr.toFixed(1)} dB ` +
        `(lag ${lagOut} at 8 kHz, ${codeSteps} codes of ${soxReplyUlaw.length} more than one step apart); G.711 itself: ${bar.toFixed(1)} dB`,
    );
    expect(lagIn).toBe(48000);
    expect(lagOut).toBe(0);
    expect(inSnr).toBeGreaterThan(bar);
    expect(outSnr).toBeGreaterThan(bar);
  });
});
