// PhoneBridge with function targets and a virtual clock (no sockets): what it sends the carrier and
// the session, message by message, for scripted session events and carrier messages. A small
// player written here echoes marks at the time a carrier would have played them.
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors.js';
import { PhoneBridge, type PhoneBridgeEvent, type PhoneBridgeOptions } from '../../src/transport/phone-bridge.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

type Message = Record<string, unknown>;

const START = {
  event: 'start',
  start: { streamSid: 'MZ1', callSid: 'CA1', mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 }, customParameters: { who: 'test' } },
};

function setup(options: Partial<PhoneBridgeOptions> = {}) {
  const clock = new VirtualClock();
  /** Everything sent, both ways, in order: ['carrier' | 'session', message]. */
  const sent: Array<['carrier' | 'session', Message]> = [];
  const events: PhoneBridgeEvent[] = [];
  const bridge = new PhoneBridge({
    protocol: 'openai',
    clock,
    carrier: (m) => sent.push(['carrier', m]),
    session: (e) => sent.push(['session', e]),
    onEvent: (e) => events.push(e),
    ...options,
  });
  const carrier = () => sent.filter(([to]) => to === 'carrier').map(([, m]) => m);
  const session = () => sent.filter(([to]) => to === 'session').map(([, m]) => m);
  const media = () => carrier().filter((m) => m.event === 'media');
  const marks = () => carrier().filter((m) => m.event === 'mark');
  const responses = { n: 0 };
  /** The session starts a response with one item; returns its ids. */
  const respond = () => {
    const n = ++responses.n;
    bridge.handleSessionEvent({ type: 'response.created', response: { id: `resp${n}` } });
    bridge.handleSessionEvent({ type: 'response.output_item.added', response_id: `resp${n}`, item: { id: `item${n}` } });
    return { responseId: `resp${n}`, itemId: `item${n}` };
  };
  const delta = (ids: { responseId: string; itemId: string }, bytes: Uint8Array) =>
    bridge.handleSessionEvent({
      type: 'response.output_audio.delta',
      response_id: ids.responseId,
      item_id: ids.itemId,
      delta: Buffer.from(bytes).toString('base64'),
    });
  /** The carrier played `ms` of what was sent (continuously from the first frame): echoes the marks up to there, once. */
  const echoed = new Set<string>();
  const echoUpTo = (ms: number) => {
    let position = 0;
    for (const m of carrier()) {
      if (m.event === 'clear') return;
      if (m.event === 'media') position += Buffer.from((m.media as { payload: string }).payload, 'base64').length;
      const name = m.event === 'mark' ? (m.mark as { name: string }).name : undefined;
      if (name !== undefined && position <= ms * 8 && !echoed.has(name)) {
        echoed.add(name);
        bridge.handleCarrierMessage({ event: 'mark', streamSid: 'MZ1', mark: { name } });
      }
    }
  };
  return { clock, sent, events, bridge, carrier, session, media, marks, respond, delta, echoUpTo };
}

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed * 13) & 0xff);

describe('PhoneBridge: carrier side', () => {
  it('sends nothing before start; then the session audio in 20 ms frames, paced to lead 100 ms, marks at most every 100 ms', () => {
    const s = setup();
    const ids = s.respond();
    s.delta(ids, bytes(16000)); // 2 s at once, before the carrier's start
    expect(s.carrier()).toEqual([]);
    s.bridge.handleCarrierMessage(JSON.stringify(START));
    expect(s.events[0]).toEqual({ type: 'start', streamSid: 'MZ1', callSid: 'CA1', customParameters: { who: 'test' } });
    expect(s.media().length).toBe(5); // the lead
    for (let t = 20; t <= 2000; t += 20) s.clock.advanceTo(t);
    const media = s.media();
    expect(media.length).toBe(100);
    const payloads = media.map((m) => Buffer.from((m.media as { payload: string }).payload, 'base64'));
    expect(payloads.every((p) => p.length === 160)).toBe(true);
    expect(new Uint8Array(Buffer.concat(payloads))).toEqual(bytes(16000)); // passthrough: bit for bit
    expect(media.every((m) => m.streamSid === 'MZ1')).toBe(true);
    // 2 s of sending: a mark after the first frame, then one per 100 ms at most
    expect(s.marks().length).toBeLessThanOrEqual(21);
    expect(s.marks().length).toBeGreaterThanOrEqual(19);
    expect((s.marks()[0]!.mark as { name: string }).name).toBe('g0.m1.item1.20ms');
  });

  it('clear goes out before the truncate, in the same synchronous call that handles the barge-in', () => {
    const s = setup();
    s.bridge.handleCarrierMessage(START);
    const ids = s.respond();
    s.delta(ids, bytes(8000));
    for (let t = 20; t <= 500; t += 20) s.clock.advanceTo(t);
    s.echoUpTo(500); // the carrier has played 500 ms (from t = 0, continuously)
    const before = s.sent.length;
    s.bridge.handleSessionEvent({ type: 'input_audio_buffer.speech_started', audio_start_ms: 1000 });
    const during = s.sent.slice(before).map(([to, m]) => `${to}:${(m.event ?? m.type) as string}`);
    expect(during).toEqual(['carrier:clear', 'carrier:media', 'session:conversation.item.truncate']);
    // heard: 500 ms of continuous playout from t = 0
    expect(s.session().at(-1)).toEqual({ type: 'conversation.item.truncate', item_id: 'item1', content_index: 0, audio_end_ms: 500 });
    // the fade-out: the audio from where the caller was, 8 ms, falling to silence
    const fade = Buffer.from((s.carrier().at(-1)!.media as { payload: string }).payload, 'base64');
    expect(fade.length).toBe(64);
    expect(s.events.find((e) => e.type === 'interrupted')).toMatchObject({ source: 'server', itemId: 'item1', audioEndMs: 500, cancelled: false });
  });

  it('marks echoed after a clear are stale and change nothing; marks not ours are counted', () => {
    const s = setup();
    s.bridge.handleCarrierMessage(START);
    const ids = s.respond();
    s.delta(ids, bytes(4000));
    s.clock.advanceTo(100);
    const old = s.marks().map((m) => (m.mark as { name: string }).name);
    s.bridge.interrupt();
    for (const name of old) s.bridge.handleCarrierMessage({ event: 'mark', streamSid: 'MZ1', mark: { name } });
    s.bridge.handleCarrierMessage({ event: 'mark', streamSid: 'MZ1', mark: { name: 'someone-else' } });
    const stats = s.bridge.stats.carrier;
    expect(stats.marksStale).toBe(old.length);
    expect(stats.marksUnknown).toBe(1);
    expect(stats.marksConfirmed).toBe(0);
  });

  it('truncates the item playing where the caller was, and items queued behind it to 0; their late audio is dropped', () => {
    const s = setup();
    s.bridge.handleCarrierMessage(START);
    const a = s.respond();
    s.delta(a, bytes(2400)); // 300 ms
    const b = { responseId: a.responseId, itemId: 'item-b' };
    s.bridge.handleSessionEvent({ type: 'response.output_item.added', response_id: a.responseId, item: { id: 'item-b' } });
    s.delta(b, bytes(2400, 2));
    for (let t = 20; t <= 120; t += 20) {
      s.clock.advanceTo(t);
      s.echoUpTo(t);
    }
    s.bridge.handleSessionEvent({ type: 'input_audio_buffer.speech_started' });
    const truncates = s.session().filter((e) => e.type === 'conversation.item.truncate');
    expect(truncates).toEqual([
      { type: 'conversation.item.truncate', item_id: a.itemId, content_index: 0, audio_end_ms: 120 },
      { type: 'conversation.item.truncate', item_id: 'item-b', content_index: 0, audio_end_ms: 0 },
    ]);
    s.delta(b, bytes(800, 3));
    expect(s.bridge.stats.session.lateSeconds).toBeCloseTo(0.1, 6);
    const sentAfter = s.media().length;
    s.clock.advanceTo(400);
    expect(s.media().length).toBe(sentAfter);
  });

  it('a barge-in before anything was heard truncates to 0; after the item was heard whole, nothing is cut', () => {
    const s = setup();
    s.bridge.handleCarrierMessage(START);
    const a = s.respond();
    s.delta(a, bytes(800));
    // at the very instant it was sent: nothing heard yet
    s.bridge.handleSessionEvent({ type: 'input_audio_buffer.speech_started' });
    expect(s.session().filter((e) => e.type === 'conversation.item.truncate')).toEqual([
      { type: 'conversation.item.truncate', item_id: a.itemId, content_index: 0, audio_end_ms: 0 },
    ]);
    const b = s.respond();
    s.delta(b, bytes(800));
    s.bridge.handleSessionEvent({ type: 'response.output_audio.done', response_id: b.responseId, item_id: b.itemId });
    s.bridge.handleSessionEvent({ type: 'response.done', response: { id: b.responseId } });
    s.clock.advanceTo(300); // 100 ms of audio, played long ago
    const before = s.sent.length;
    s.bridge.handleSessionEvent({ type: 'input_audio_buffer.speech_started' });
    expect(s.sent.length).toBe(before);
  });

  it('cancels where the session does not cancel by itself (interrupt_response false)', () => {
    const s = setup({ interruptResponse: false });
    s.bridge.handleCarrierMessage(START);
    const a = s.respond();
    s.delta(a, bytes(1600));
    s.clock.advanceTo(60);
    s.echoUpTo(60);
    s.bridge.handleSessionEvent({ type: 'input_audio_buffer.speech_started' });
    expect(s.session().map((e) => e.type)).toEqual(['conversation.item.truncate', 'response.cancel']);
  });

  it('a local VAD on the caller interrupts before the session says anything', () => {
    const s = setup({ localBargeIn: true });
    s.bridge.handleCarrierMessage(START);
    const a = s.respond();
    s.delta(a, bytes(8000));
    const loud = Buffer.from(Uint8Array.from({ length: 160 }, (_, i) => (i % 2 === 0 ? 0x10 : 0x90))).toString('base64');
    const quiet = Buffer.alloc(160, 0xff).toString('base64');
    for (let k = 0; k < 30; k++) {
      s.clock.advanceTo(k * 20 + 20);
      s.bridge.handleCarrierMessage({
        event: 'media',
        media: { track: 'inbound', chunk: String(k + 1), timestamp: String(k * 20), payload: k >= 20 ? loud : quiet },
      });
    }
    const cut = s.events.find((e) => e.type === 'interrupted');
    expect(cut).toMatchObject({ source: 'local', itemId: a.itemId });
    expect(s.events.some((e) => e.type === 'speech_start')).toBe(true);
    expect(s.carrier().some((m) => m.event === 'clear')).toBe(true);
  });

  it('bad carrier messages are counted and reported, never thrown; DTMF and stop are events', () => {
    const s = setup();
    s.bridge.handleCarrierMessage(START);
    for (const bad of [
      'not json',
      '[1]',
      '{"event":"wat"}',
      '{"event":"media","media":{}}',
      '{"event":"media","media":{"timestamp":"0","payload":"!!"}}',
      '{"event":"mark"}',
      null,
      42,
    ]) {
      expect(() => s.bridge.handleCarrierMessage(bad)).not.toThrow();
    }
    s.bridge.handleCarrierMessage({ event: 'media', media: { track: 'outbound', chunk: '1', timestamp: '0', payload: '' } });
    s.bridge.handleCarrierMessage({ event: 'dtmf', streamSid: 'MZ1', dtmf: { track: 'inbound_track', digit: '7' } });
    const stats = s.bridge.stats.carrier;
    expect(stats.errors).toBe(8);
    expect(stats.errorsByCode).toEqual({ malformed_event: 6, unknown_event: 1, invalid_base64: 1 });
    expect(stats.otherTrack).toBe(1);
    expect(s.events.filter((e) => e.type === 'dtmf')).toEqual([{ type: 'dtmf', digit: '7' }]);
    // a partial chunk of caller audio goes out at stop
    s.bridge.handleCarrierMessage({
      event: 'media',
      media: { track: 'inbound', chunk: '1', timestamp: '0', payload: Buffer.alloc(100, 1).toString('base64') },
    });
    s.bridge.handleCarrierMessage({ event: 'stop' });
    expect(s.events.at(-1)).toEqual({ type: 'stop' });
    expect(
      s
        .session()
        .filter((e) => e.type === 'input_audio_buffer.append')
        .map((e) => Buffer.from(e.audio as string, 'base64').length),
    ).toEqual([100]);
    s.bridge.close();
    s.bridge.close();
    expect(() => s.bridge.handleCarrierMessage(START)).not.toThrow();
  });

  it('a start in another encoding than set up is reported', () => {
    const s = setup();
    s.bridge.handleCarrierMessage({ ...START, start: { ...START.start, mediaFormat: { encoding: 'audio/x-alaw', sampleRate: 8000, channels: 1 } } });
    expect(s.bridge.stats.carrier.errorsByCode).toEqual({ unsupported_format: 1 });
  });

  it('checks its options', () => {
    const base = { clock: new VirtualClock(), carrier: () => {}, session: () => {} };
    expect(() => new PhoneBridge({ ...base, protocol: 'gemini', audio: 'passthrough' })).toThrow(OptionsError);
    expect(() => new PhoneBridge({ ...base, protocol: 'openai', leadMs: 5 })).toThrow(/leadMs/);
    expect(() => new PhoneBridge({ ...base, protocol: 'openai', law: 'ulaw' as never })).toThrow(/law/);
    expect(() => new PhoneBridge(undefined as never)).toThrow(OptionsError);
  });
});

describe('PhoneBridge: transcoding', () => {
  it('OpenAI at 24 kHz PCM16: 8 kHz mu-law frames out; the truncate is the heard 8 kHz position in session ms', () => {
    const s = setup({ audio: 'transcode' });
    s.bridge.handleCarrierMessage(START);
    s.bridge.sessionUpdate();
    expect((s.session()[0]!.session as { audio: { input: { format: unknown } } }).audio.input.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    const a = s.respond();
    s.delta(a, new Uint8Array(Int16Array.from({ length: 24000 }, (_, i) => Math.round(8000 * Math.sin(i / 5))).buffer));
    for (let t = 20; t <= 340; t += 20) {
      s.clock.advanceTo(t);
      s.echoUpTo(t);
    }
    s.clock.advanceTo(347);
    s.bridge.handleSessionEvent({ type: 'input_audio_buffer.speech_started' });
    expect(s.session().at(-1)).toEqual({ type: 'conversation.item.truncate', item_id: a.itemId, content_index: 0, audio_end_ms: 347 });
    expect(s.media().every((m) => Buffer.from((m.media as { payload: string }).payload, 'base64').length <= 160)).toBe(true);
    // caller audio: 20 ms of mu-law -> 24 kHz PCM16 appends (20 ms each)
    for (let k = 0; k < 5; k++)
      s.bridge.handleCarrierMessage({
        event: 'media',
        media: { track: 'inbound', chunk: String(k + 1), timestamp: String(k * 20), payload: Buffer.alloc(160, 0x20).toString('base64') },
      });
    const appends = s.session().filter((e) => e.type === 'input_audio_buffer.append');
    expect(appends.length).toBeGreaterThanOrEqual(4);
    expect(appends.every((e) => Buffer.from(e.audio as string, 'base64').length === 960)).toBe(true);
  });

  it('Gemini Live: 16 kHz in, 24 kHz out to 8 kHz; interrupted clears the carrier, no truncate', () => {
    const s = setup({ protocol: 'gemini' });
    s.bridge.handleCarrierMessage(START);
    const pcm = Buffer.from(new Int16Array(4800).fill(3000).buffer).toString('base64');
    s.bridge.handleSessionEvent({ serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: pcm } }] } } });
    expect(s.media().length).toBeGreaterThan(0);
    s.clock.advanceTo(60);
    s.bridge.handleSessionEvent({ serverContent: { interrupted: true } });
    expect(s.carrier().some((m) => m.event === 'clear')).toBe(true);
    expect(s.session().filter((e) => 'type' in e)).toEqual([]);
    for (let k = 0; k < 3; k++)
      s.bridge.handleCarrierMessage({
        event: 'media',
        media: { track: 'inbound', chunk: String(k + 1), timestamp: String(k * 20), payload: Buffer.alloc(160, 0x30).toString('base64') },
      });
    const audio = s
      .session()
      .map((e) => (e.realtimeInput as { audio?: { mimeType: string; data: string } } | undefined)?.audio)
      .filter((a) => a !== undefined);
    expect(audio.length).toBeGreaterThan(0);
    expect(audio.every((a) => a!.mimeType === 'audio/pcm;rate=16000' && Buffer.from(a!.data, 'base64').length === 640)).toBe(true);
  });

  it('A-law calls pass A-law through (audio/pcma)', () => {
    const s = setup({ law: 'alaw' });
    s.bridge.handleCarrierMessage({ ...START, start: { ...START.start, mediaFormat: { encoding: 'audio/x-alaw', sampleRate: 8000, channels: 1 } } });
    s.bridge.sessionUpdate();
    expect((s.session()[0]!.session as { audio: { output: { format: unknown } } }).audio.output.format).toEqual({ type: 'audio/pcma' });
    const a = s.respond();
    s.delta(a, bytes(320, 9));
    expect(new Uint8Array(Buffer.concat(s.media().map((m) => Buffer.from((m.media as { payload: string }).payload, 'base64'))))).toEqual(bytes(320, 9));
    s.bridge.handleCarrierMessage({
      event: 'media',
      media: { track: 'inbound', chunk: '1', timestamp: '0', payload: Buffer.from(bytes(160, 4)).toString('base64') },
    });
    expect(Buffer.from(s.session().at(-1)!.audio as string, 'base64')).toEqual(Buffer.from(bytes(160, 4)));
    expect(s.bridge.stats.carrier.errors).toBe(0);
  });
});
