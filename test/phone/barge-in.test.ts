// Barge-in on a phone line, in simulated time: carrier simulators (test/helpers/carrier-sim.ts) call
// the demo server's /phone endpoint, whose PhoneBridge relays to the built-in local session in the
// call's own mu-law (passthrough). Each caller speaks 40 ms bursts at random intervals (each media
// message delayed 0-15 ms at random, so they may arrive out of order; silence is omitted), the
// local session's VAD hears them and the bridge interrupts whatever is playing. The truth of what
// each caller heard is the carrier's own playout log: every payload is matched, byte for byte,
// against the deltas the local session sent for its reply, so the bytes heard of each reply are
// counted by the carrier, not by the bridge.
import { afterAll, describe, expect, it } from 'vitest';
import type { InterruptionEvent } from '../../src/transport/events.js';
import type { CarrierSim } from '../helpers/carrier-sim.js';
import { PhoneHarness } from '../helpers/phone-harness.js';
import { rng } from '../helpers/random.js';

const BARGE_INS = Number(process.env.PHONE_BARGE_INS ?? 10_000);
const CALLS = Number(process.env.PHONE_CALLS ?? 25);
const REPLY_MS = 400;
const FADE_MS = 8;

/** The reply voice: seeded noise, so that no 20 ms of it repeats. */
function replyVoice(): Int16Array {
  const random = rng(11);
  return Int16Array.from({ length: (24000 * REPLY_MS) / 1000 }, () => Math.round((random() - 0.5) * 12000));
}

function equalAt(item: Uint8Array, offset: number, bytes: Uint8Array): boolean {
  if (offset + bytes.length > item.length) return false;
  for (let i = 0; i < bytes.length; i++) if (item[offset + i] !== bytes[i]) return false;
  return true;
}

/** One reply as the local session sent it (its deltas, concatenated). */
interface SentItem {
  id: string;
  parts: Uint8Array[];
  bytes?: Uint8Array;
}

function bytesOf(item: SentItem): Uint8Array {
  item.bytes ??= Buffer.concat(item.parts);
  return item.bytes;
}

/**
 * Walks the carrier's payloads in order: each is the next piece of the reply playing, the start of
 * a later reply, or the fade-out right after a clear. Returns, for each clear, the reply open then
 * and the bytes of it the carrier played; and counts fades and payloads that matched nothing.
 */
function heardAtClears(sim: CarrierSim, items: SentItem[]) {
  const heard: Array<{ itemId: string | undefined; bytes: number }> = [];
  let index = -1;
  let open = false;
  let offset = 0;
  let heardOfOpen = 0;
  let segment = 0;
  let afterClear = false;
  let fades = 0;
  let mismatches = 0;
  const closeSegment = () => {
    heard.push({ itemId: open ? items[index]!.id : undefined, bytes: open ? heardOfOpen : 0 });
    open = false;
    segment++;
    afterClear = true;
  };
  for (const p of sim.payloads) {
    while (segment < p.segment) closeSegment();
    if (open && equalAt(bytesOf(items[index]!), offset, p.bytes)) {
      offset += p.bytes.length;
      heardOfOpen += p.played;
    } else {
      let next = index + 1;
      while (next < items.length && !equalAt(bytesOf(items[next]!), 0, p.bytes)) next++;
      if (next < items.length && (!open || offset === bytesOf(items[index]!).length)) {
        index = next;
        open = true;
        offset = p.bytes.length;
        heardOfOpen = p.played;
      } else if (afterClear && p.bytes.length <= FADE_MS * 8) {
        fades++;
      } else {
        mismatches++;
      }
    }
    afterClear = false;
  }
  while (segment < sim.clears) closeSegment();
  return { heard, fades, mismatches };
}

let h: PhoneHarness;
afterAll(async () => h?.close());

describe('phone: barge-in against the local session', () => {
  it(`${BARGE_INS} randomized barge-ins: audio_end_ms within one 20 ms frame of what the caller heard, none rejected, audio bit-exact`, async () => {
    const voice = replyVoice();
    h = await PhoneHarness.start({ session: { paceFactor: 5, maxEchoMs: 0 }, phone: { replyVoice: voice, silenceDurationMs: 100 } });
    h.keepEvents = false;
    const cuts = new Map<CarrierSim, Array<{ event: InterruptionEvent; cleared: boolean }>>();
    const errors: string[] = [];
    const simOf = new Map<unknown, CarrierSim>();
    const sentItems = new Map<unknown, SentItem[]>();
    h.onSessionEvent = (bridge, direction, event) => {
      if (direction !== 'in' || event.type !== 'response.output_audio.delta') return;
      let items = sentItems.get(bridge);
      if (items === undefined) {
        items = [];
        sentItems.set(bridge, items);
      }
      let item = items[items.length - 1];
      if (item === undefined || item.id !== event.item_id) {
        item = { id: event.item_id as string, parts: [] };
        items.push(item);
      }
      item.parts.push(new Uint8Array(Buffer.from(event.delta as string, 'base64')));
    };
    const clearsSeen = new Map<unknown, number>();
    let bargeIns = 0;
    h.onEvent = (bridge, event) => {
      if (event.type === 'error') errors.push(`${event.error.code}: ${event.error.message}`);
      if (event.type !== 'interrupted') return;
      const clears = bridge.playout.carrierStats.clears;
      const cleared = clears !== (clearsSeen.get(bridge) ?? 0);
      clearsSeen.set(bridge, clears);
      const sim = simOf.get(bridge)!;
      cuts.get(sim)!.push({ event, cleared });
      if (cleared) bargeIns++;
    };
    const speech = (seed: number) => {
      const random = rng(seed);
      return Uint8Array.from({ length: 160 }, () => Math.floor(random() * 0x60) + 0x10); // loud mu-law noise
    };
    for (let c = 0; c < CALLS; c++) {
      const random = rng(100 + c);
      let speakFrom = 40 + Math.floor(random() * 40);
      const burst = speech(200 + c);
      const call = await h.call({
        omitSilence: true,
        jitterMs: 15,
        seed: c,
        caller: (i) => {
          if (i < speakFrom) return undefined;
          if (i < speakFrom + 2) return burst;
          speakFrom = i + 13 + Math.floor(random() * 25); // the next burst 260-760 ms after this one ends
          return undefined;
        },
      });
      simOf.set(call.bridge, call.sim);
      cuts.set(call.sim, []);
    }
    const started = performance.now();
    const cpu = process.cpuUsage();
    let t = 0;
    while (bargeIns < BARGE_INS) {
      t += 1000;
      await h.runUntil(t);
    }
    const wallMs = performance.now() - started;
    const cpuMs = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1000;
    console.log(JSON.stringify(h.profile), 'cpu ms', cpuMs.toFixed(0));
    let worst = 0;
    let sumAbs = 0;
    let compared = 0;
    let fades = 0;
    let mismatches = 0;
    const histogram = new Map<number, number>();
    for (const { sim, bridge } of h.calls) {
      const truth = heardAtClears(sim, sentItems.get(bridge)!);
      fades += truth.fades;
      mismatches += truth.mismatches;
      const cleared = cuts.get(sim)!.filter((c) => c.cleared);
      expect(cleared.length).toBe(sim.clears);
      for (let k = 0; k < cleared.length; k++) {
        const { event } = cleared[k]!;
        const { itemId, bytes } = truth.heard[k]!;
        // what the bridge told the session of the reply open at the clear: its truncate, or 0 when it was not heard at all
        const where = `call ${h.calls.findIndex((x) => x.sim === sim)} barge-in ${k}`;
        expect(itemId, where).toBeDefined();
        const endMs = event.unheardItemIds.includes(itemId!) ? 0 : event.itemId === itemId ? event.audioEndMs : undefined;
        expect(endMs, where).not.toBeNull();
        expect(endMs, where).not.toBeUndefined();
        expect(Number.isInteger(endMs)).toBe(true);
        const heardMs = bytes / 8;
        const error = endMs! - heardMs;
        histogram.set(Math.floor(heardMs / 100), (histogram.get(Math.floor(heardMs / 100)) ?? 0) + 1);
        worst = Math.max(worst, Math.abs(error));
        sumAbs += Math.abs(error);
        compared++;
      }
      expect(bridge.stats.session.errors).toBe(0);
    }
    console.log(
      `${compared} barge-ins over ${CALLS} calls, ${(t / 1000).toFixed(0)} simulated s each, in ${(wallMs / 1000).toFixed(1)} s: ` +
        `|audio_end_ms - heard| max ${worst.toFixed(3)} ms, mean ${(sumAbs / compared).toFixed(3)} ms; ${fades} fade-outs; ${mismatches} payloads not matching what the session sent`,
    );
    console.log('heard ms per 100 ms bin:', JSON.stringify([...histogram].sort((a, b) => a[0] - b[0])));
    expect(compared).toBeGreaterThanOrEqual(BARGE_INS);
    expect(worst).toBeLessThanOrEqual(20);
    expect(errors).toEqual([]);
    expect(mismatches).toBe(0);
  }, 600_000);
});
