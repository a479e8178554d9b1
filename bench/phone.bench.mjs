// Calls per core through PhoneBridge: N calls in this thread, each with the carrier's JSON in and
// out (as a WebSocket would carry it: parsed from text, sent as text) and a scripted OpenAI
// session (events as JSON text both ways), in simulated time (20 ms steps). The caller talks
// (the "hello world" prompt, 1.4 s of every 3 s, silence sent as Twilio sends it); the session
// says it heard the caller start (speech_started) and answers once the caller is done, 1.5 s of
// audio at realtime pace in 100 ms deltas, cut by the caller's next turn (a barge-in every 3 s);
// the carrier echoes each mark 100 ms after it got it. Cases: passthrough (the session
// speaks the call's mu-law), passthrough with the local VAD, and transcoding both ways (24 kHz
// PCM16 session) with the local VAD. Reported: process CPU per second of call, and calls one core
// carries (call-seconds per CPU-second). Timed directly (not benny): one run of a fixed amount.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { PhoneBridge, encodeBase64 } from 'realtime-pcm';

const calls = Number(process.env.BENCH_CALLS ?? 100);
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const prompt = new Uint8Array(readFileSync(new URL('../fixtures/g711/hello-world.ul', import.meta.url)));
const silence = Buffer.alloc(160, 0xff).toString('base64');
const callerFrames = Array.from({ length: 150 }, (_, k) =>
  k * 160 < prompt.length ? Buffer.from(prompt.subarray(k * 160, k * 160 + 160)).toString('base64') : silence,
);

/** A clock the loop moves by hand. */
class StepClock {
  time = 0;
  /** @type {Array<{ due: number, fn: () => void, id: number }>} */
  timers = [];
  next = 1;
  now() {
    return this.time;
  }
  /** @param {() => void} fn @param {number} ms */
  setTimer(fn, ms) {
    const id = this.next++;
    this.timers.push({ due: this.time + ms, fn, id });
    return id;
  }
  /** @param {unknown} id */
  clearTimer(id) {
    this.timers = this.timers.filter((t) => t.id !== id);
  }
  /** @param {number} time */
  advanceTo(time) {
    for (;;) {
      let first;
      for (const t of this.timers) if (t.due <= time && (first === undefined || t.due < first.due)) first = t;
      if (first === undefined) break;
      this.timers.splice(this.timers.indexOf(first), 1);
      this.time = first.due;
      first.fn();
    }
    this.time = time;
  }
}

/** @typedef {'passthrough' | 'passthrough+vad' | 'transcode'} Mode */

/**
 * One call: a bridge, and its carrier's pending mark echoes.
 * @param {Mode} mode
 * @param {StepClock} clock
 */
function makeCall(mode, clock) {
  /** @type {Array<{ at: number, name: string }>} */
  const echoes = [];
  let carrierOut = 0;
  const carrier = {
    /** @param {string} text */
    send(text) {
      carrierOut++;
      if (text.includes('"event":"mark"')) echoes.push({ at: clock.now() + 100, name: JSON.parse(text).mark.name });
    },
  };
  const session = { send() {} };
  const bridge = new PhoneBridge({
    protocol: 'openai',
    audio: mode === 'transcode' ? 'transcode' : 'passthrough',
    carrier,
    session,
    clock,
    localBargeIn: mode !== 'passthrough',
  });
  bridge.handleCarrierMessage(
    JSON.stringify({ event: 'start', start: { streamSid: 'MZ1', callSid: 'CA1', mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } } }),
  );
  return { bridge, echoes, carrierOut: () => carrierOut };
}

/**
 * The session's 100 ms deltas: mu-law bytes, or 24 kHz PCM16.
 * @param {Mode} mode
 */
function deltaFor(mode) {
  if (mode === 'transcode') return encodeBase64(new Uint8Array(new Int16Array(2400).map((_, i) => Math.round(6000 * Math.sin(i / 6))).buffer));
  return encodeBase64(new Uint8Array(800).map((_, i) => (i * 13) & 0xff));
}

/**
 * @param {Mode} mode
 * @param {number} callCount
 * @param {number} callSeconds
 */
function run(mode, callCount = calls, callSeconds = seconds) {
  const clock = new StepClock();
  const list = Array.from({ length: callCount }, () => makeCall(mode, clock));
  const delta = deltaFor(mode);
  const steps = (callSeconds * 1000) / 20;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let step = 0; step < steps; step++) {
    const t = step * 20;
    clock.advanceTo(t);
    const frame = callerFrames[step % 150];
    for (const call of list) {
      const b = call.bridge;
      b.handleCarrierMessage(
        `{"event":"media","sequenceNumber":"${step + 2}","media":{"track":"inbound","chunk":"${step + 1}","timestamp":"${t}","payload":"${frame}"},"streamSid":"MZ1"}`,
      );
      // the session hears the caller start (its VAD, 40 ms in) and answers once the caller is done
      if (step % 150 === 2) b.handleSessionEvent('{"type":"input_audio_buffer.speech_started","audio_start_ms":0,"item_id":"u"}');
      if (step % 150 === 75) {
        const n = Math.floor(step / 150);
        b.handleSessionEvent(JSON.stringify({ type: 'response.created', response: { id: `r${n}` } }));
        b.handleSessionEvent(JSON.stringify({ type: 'response.output_item.added', response_id: `r${n}`, item: { id: `i${n}` } }));
      }
      if (step % 5 === 0 && step % 150 >= 75) {
        const n = Math.floor(step / 150);
        b.handleSessionEvent(
          `{"type":"response.output_audio.delta","response_id":"r${n}","item_id":"i${n}","output_index":0,"content_index":0,"delta":"${delta}"}`,
        );
      }
      for (let echo = call.echoes[0]; echo !== undefined && echo.at <= t; echo = call.echoes[0]) {
        call.echoes.shift();
        b.handleCarrierMessage(`{"event":"mark","streamSid":"MZ1","mark":{"name":"${echo.name}"}}`);
      }
    }
  }
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const wall = (performance.now() - started) / 1000;
  const stats = list[0].bridge.stats;
  for (const call of list) call.bridge.close();
  return {
    case: mode,
    cpuSeconds,
    wallSeconds: wall,
    callsPerCore: (callCount * callSeconds) / cpuSeconds,
    cpuPercentPerCall: (100 * cpuSeconds) / (callCount * callSeconds),
    framesOut: stats.carrier.framesSent,
    bargeIns: stats.session.interruptions,
  };
}

const LABELS = {
  passthrough: 'passthrough (session in mu-law), no local VAD',
  'passthrough+vad': 'passthrough, local VAD',
  transcode: 'transcoding both ways (8 <-> 24 kHz PCM16), local VAD',
};
/** @type {Mode[]} */
const MODES = ['passthrough', 'passthrough+vad', 'transcode'];
for (const mode of MODES) run(mode, 10, 6); // warm-up (the JIT), not reported
const rows = MODES.map((mode) => run(mode));
const markdown = [
  `${calls} calls x ${seconds} simulated s in one thread: carrier JSON in/out, a scripted OpenAI session (JSON), the caller talking 1.4 s of every 3 s, 1.5 s of reply in between (cut by the next turn), marks echoed 100 ms later:`,
  '',
  '| case | CPU s | CPU per call | calls per core | barge-ins per call |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${LABELS[r.case]} | ${r.cpuSeconds.toFixed(2)} | ${r.cpuPercentPerCall.toFixed(3)}% | ${Math.round(r.callsPerCore).toLocaleString('en-US')} | ${r.bargeIns} |`,
  ),
].join('\n');
console.log(`\nphone\n${markdown}`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/phone.json', import.meta.url),
  JSON.stringify({ name: 'phone', date: new Date().toISOString(), node: process.version, calls, seconds, rows, markdown }, null, 2),
);
