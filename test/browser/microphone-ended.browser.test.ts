// A microphone that ends or goes silent in a real page of every engine gets a typed event (ended21).
// One realtime context at the fake microphone's rate (openMicrophone), five calls on its track and
// clones of it, each connectRealtimeAudio but E (createCaptureNode):
// - A: the microphone's own source; the page stops its track 2.5 s in (`track.stop()`, which fires
//   no `ended`: afterwards Chromium delivers exact zeros, WebKit one channel of zeros, Firefox no
//   channel, docs/NOTES.md muted20) -> `microphone_silent` (the default 1000 ms), nothing before;
// - B: a clone disabled (`enabled = false`) and the call muted (`mute(true)`: the app's own mute)
//   -> nothing at all;
// - C: a live clone on which `mute`, `unmute` and `ended` are dispatched 2.5 s in (the events the
//   browser fires when the OS or device mutes or ends the track; no fake device can unplug) ->
//   `microphone_muted`, `microphone_unmuted`, the error `microphone_ended` naming the track;
// - D: a clone disabled from the start, the call not muted -> `microphone_silent`, then, enabled
//   again at 2.5 s, `microphone_resumed`;
// - E: a capture node on a clone stopped with A -> `microphone_silent` through onMicrophone.
// After close, a dispatched `ended` reaches no one. Cost: ~6 s of page time per engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_ENGINES, openLibraryPage, type EnginePage, type LibraryPage } from '../helpers/browser.js';

const STOP_MS = 2500;
/** How long after the stop A's microphone_silent may come: its 1000 ms and a margin for a loaded machine's render thread and message port. */
const SILENT_BY_MS = 1000 + 3000;

interface Logged {
  call: string;
  at: number;
  type: string;
  code?: string;
  message?: string;
  silentMs?: number;
  trackId?: string;
}

describe.each(REALTIME_ENGINES)('the microphone watch in %s', (engine) => {
  let opened: LibraryPage;
  let page: EnginePage;

  beforeAll(async () => {
    opened = await openLibraryPage(engine);
    page = opened.page;
  }, 120_000);
  afterAll(async () => {
    await opened?.close();
  });

  it('track.stop() -> microphone_silent within 1 s + a margin; dispatched mute, unmute, ended -> events and microphone_ended; a disabled track with the app’s mute -> nothing', async () => {
    const out = await page.evaluate(
      async (a) => {
        const lib = (window as any).pcm;
        const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
        const mic = await lib.openMicrophone();
        const ctx: AudioContext = mic.context;
        await ctx.resume();
        const track: MediaStreamTrack = mic.stream.getAudioTracks()[0];
        const [b, c, d, e] = [track.clone(), track.clone(), track.clone(), track.clone()];
        b!.enabled = false;
        d!.enabled = false;
        const log: Logged[] = [];
        const t0 = performance.now();
        const now = () => Math.round(performance.now() - t0);
        const record = (call: string) => (event: any) => {
          if (String(event.type).startsWith('microphone_') || event.type === 'error') log.push({ call, at: now(), ...event });
        };
        const session = (call: string, t: MediaStreamTrack) =>
          lib.connectRealtimeAudio({
            context: ctx,
            source: t === track ? mic.source : ctx.createMediaStreamSource(new MediaStream([t])),
            protocol: 'openai',
            destination: null,
            send: () => {},
            onEvent: record(call),
          });
        const A = await session('A', track);
        const B = await session('B', b!);
        B.mute(true);
        const C = await session('C', c!);
        const D = await session('D', d!);
        const E = await lib.createCaptureNode(ctx, {
          stream: new MediaStream([e!]),
          onMicrophone: record('E'),
          onError: (x: any) => record('E')({ type: 'error', ...x }),
        });
        const started = now();
        await sleep(a.stopMs);
        const beforeStop = log.length;
        d!.enabled = true;
        c!.dispatchEvent(new Event('mute'));
        c!.dispatchEvent(new Event('unmute'));
        c!.dispatchEvent(new Event('ended'));
        const stoppedAt = now();
        track.stop();
        e!.stop();
        const has = (call: string, type: string) => log.some((x) => x.call === call && x.type === type);
        while (now() - stoppedAt < a.silentByMs && !(has('A', 'microphone_silent') && has('E', 'microphone_silent') && has('D', 'microphone_resumed')))
          await sleep(20);
        await sleep(300); // anything else that would follow
        for (const s of [A, B, C, D, E]) s.close();
        const closedAt = log.length;
        b!.dispatchEvent(new Event('ended'));
        c!.dispatchEvent(new Event('mute'));
        await sleep(100);
        for (const t of [b, c, d]) t!.stop();
        await ctx.close();
        return { log, beforeStop, stoppedAt, started, closedAt, ids: { A: track.id, C: c!.id }, rate: ctx.sampleRate };
      },
      { stopMs: STOP_MS, silentByMs: SILENT_BY_MS },
    );
    console.log(
      `${engine} (${out.rate} Hz): connected at ${out.started} ms, stopped at ${out.stoppedAt} ms;\n` +
        out.log
          .map((x) => `  ${x.call} ${x.at} ms ${x.type}${x.code ? ` ${x.code}` : ''}${x.silentMs !== undefined ? ` silentMs ${x.silentMs}` : ''}`)
          .join('\n'),
    );
    const of = (call: string) => out.log.filter((x) => x.call === call);
    // before the stop: only D (its disabled track, the call not muted) went silent
    expect(out.log.slice(0, out.beforeStop).map((x) => `${x.call} ${x.type}`)).toEqual(['D microphone_silent']);
    // A: the stopped microphone, within its 1000 ms and the margin (the page's own stop fires no ended: not required either way)
    const silentA = of('A').find((x) => x.type === 'microphone_silent');
    expect(silentA).toBeDefined();
    expect(silentA!.silentMs).toBeGreaterThanOrEqual(1000);
    expect(silentA!.at - out.stoppedAt).toBeLessThanOrEqual(SILENT_BY_MS);
    expect(
      of('A')
        .filter((x) => x.type !== 'error')
        .map((x) => x.type),
    ).toEqual(['microphone_silent']);
    // B: the app's mute over a disabled track reports nothing
    expect(of('B')).toEqual([]);
    // C: the dispatched events, in order; the ended one names the track
    expect(of('C').map((x) => x.code ?? x.type)).toEqual(['microphone_muted', 'microphone_unmuted', 'microphone_ended']);
    expect(of('C')[2]!.message).toContain(`(track ${out.ids.C}) ended`);
    // D: silent while disabled, resumed once enabled
    expect(of('D').map((x) => x.type)).toEqual(['microphone_silent', 'microphone_resumed']);
    expect(of('D')[1]!.silentMs).toBeGreaterThanOrEqual(1000);
    // E: the capture node's watch
    expect(of('E').map((x) => x.type)).toEqual(['microphone_silent']);
    // after close: nothing
    expect(out.log.length).toBe(out.closedAt);
    expect(await page.errors()).toEqual([]);
  }, 60_000);
});
