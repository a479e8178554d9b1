// (alive21) A mic that comes alive mid-reply, traced: muted-sweep's C call (dead from the first quantum, alive at
// ALIVE_ON s, zeros) through a hooked build (ECHO_HOOKED=<index.js> from bench/echo-lab/hooked-build.mjs), a line
// every ALIVE_EVERY quanta from ALIVE_FROM to ALIVE_TO s: the delay estimate's peak lag (ms), peak, the profile's mean
// over the searched lags, the candidate (ms x updates), the onset (ms), the placement's hold (blocks), the filter's
// offset (ms), ERLE, and the echo / output energy (dB) over the line's quanta; (late32) the searched lags (sl, ms), the
// far peak over young lags past them (far: ms, coherence), the mean (m), provisional (pv), LATE_ARM's state (yw).
// ALIVE_LATE=<s>: WebKit's late resume (docs/NOTES.md late31): zeros until ALIVE_ON + ALIVE_LATE, the echo that much behind. Runs only with ALIVE_TRACE=1:
// `ALIVE_TRACE=1 ALIVE_ON=1.9 ECHO_HOOKED=... npx vitest run test/browser/alive-trace.test.ts`.
import { describe, it } from 'vitest';
import { QUANTUM, roomMic } from '../helpers/browser-scenes.js';
import { replyScript } from '../helpers/reply-script.js';
import { speech48k } from '../helpers/speech-fixture.js';

const RATE = 48000;
describe.runIf(process.env.ALIVE_TRACE)('a mic alive mid-reply, traced', () =>
  it('trace', { timeout: 900_000 }, async () => {
    const lib = (process.env.ECHO_HOOKED ? await import(process.env.ECHO_HOOKED) : await import('../../src/index.js')) as any;
    // ALIVE_MODE=mic: muted-mic.browser.test.ts's Node call C instead (the reply x4 delivered at 0.25 s, its echo from
    // 0.3 s with 60 ms of room delay inside; ALIVE_ON absolute, 2.6 s there)
    const mode = process.env.ALIVE_MODE ?? 'grid';
    const events = replyScript().map((e) => JSON.parse(e) as Record<string, unknown>);
    const head = events.filter((e) => e.type !== 'response.output_audio.delta');
    const deltas = events.filter((e) => e.type === 'response.output_audio.delta');
    const times = mode === 'mic' ? 4 : 6;
    const SCRIPT = [...head, ...Array.from({ length: times }, () => deltas).flat()].map((e, i) => JSON.stringify({ ...e, event_id: `e${i + 1}` }));
    const p = new lib.RealtimeAudioAdapter({ protocol: 'openai', inputRate: RATE, outputRate: RATE, echoCancellation: false, send: () => {} });
    for (const e of SCRIPT) p.handleServerEvent(e);
    let played = new Float32Array(15 * RATE);
    for (let at = 0; at < played.length; at += QUANTUM) p.readPlayback(played.subarray(at, at + QUANTUM));
    p.free();
    let ECHO: Float32Array;
    let ECHO_ONLY: Float32Array | undefined;
    let deliver = 0;
    if (mode === 'mic') {
      const first = played.findIndex((v) => v !== 0);
      let last = played.length;
      while (last > first && played[last - 1] === 0) last--;
      played = played.slice(first, last);
      const padded = new Float32Array(played.length + RATE / 2);
      padded.set(played);
      const e = roomMic(padded, RATE, Number.POSITIVE_INFINITY, 0.06).echo;
      const e0 = Math.round((0.3 * RATE) / QUANTUM);
      // (on44) ALIVE_EARLY=<quanta>: the reply delivered that many quanta earlier (the echo that much further behind it)
      deliver = e0 - Math.round((0.05 * RATE) / QUANTUM) - Number(process.env.ALIVE_EARLY ?? 0);
      ECHO = new Float32Array(15 * RATE);
      ECHO.set(e.subarray(0, ECHO.length - e0 * QUANTUM), e0 * QUANTUM);
      // (on44) ALIVE_USER=<s> in this mode too: muted-mic's user pass's user (the speech fixture at half scale) from that
      // absolute time (0.3 s + the pass's USER_AT_S: 4.8 s for MUTED_USER_ON=4.4); ECHO_ONLY keeps the echo alone
      if (process.env.ALIVE_USER) {
        ECHO_ONLY = ECHO.slice();
        const speech = speech48k();
        const at = Math.round(Number(process.env.ALIVE_USER) * RATE);
        for (let i = at; i < ECHO.length && i - at < speech.length; i++) ECHO[i]! += 0.5 * speech[i - at]!;
      }
      // (alive23) ALIVE_USER=<s>: the test scenes' user too from that time (the grid's mic with a user talking after the unmute)
    } else {
      const rm = roomMic(played, RATE, Number(process.env.ALIVE_USER ?? Number.POSITIVE_INFINITY), 0.11);
      ECHO = rm.mic;
      // (tail26) the echo alone, for ALIVE_OCT's per-block columns: the user's and the echo's dBFS at the mic
      ECHO_ONLY = rm.echo;
    }
    const on = Number(process.env.ALIVE_ON ?? 1.9);
    const from = Number(process.env.ALIVE_FROM ?? on - 0.1);
    const to = Number(process.env.ALIVE_TO ?? on + 2);
    const every = Number(process.env.ALIVE_EVERY ?? 8);
    const a = new lib.RealtimeAudioAdapter({ protocol: 'openai', inputRate: RATE, outputRate: RATE, echoCancellation: true, send: () => {} });
    if (mode !== 'mic') for (const e of SCRIPT) a.handleServerEvent(e);
    const ec = a.echoCanceller as any;
    const k = ec.k;
    const s = ec.state;
    const rate = ec.sampleRate ?? 24000;
    const blockMs = (1000 * ec.blockSamples) / rate;
    // ALIVE_SUP=1: the suppressor's per-block trace too (assembly/bench-hooks.ts trace_suppress), a line per block from
    // ALIVE_FROM: hang, present blocks, warm, suspect, excess dB, rising, placed, share, octaves over, and the frame's
    // sums (dB) of |E|^2, R, the noise, zeta A, kappa A_flat, eta |Y|^2
    const B = ec.blockSamples;
    const K = B + 4;
    const stride = 16 + B + 15 * K;
    const cap = Math.ceil((to * rate) / B) + 8;
    const trBase = process.env.ALIVE_SUP ? ec.heap.alloc(stride * 4 * cap) : 0;
    if (trBase) k.aec_trace_set(trBase, cap);
    // the sent audio (24 kHz, every quantum pushed: 64 samples each), read back by time after the run
    const sent: number[] = [];
    (a as any).sink.fn = (e: any) => {
      if (e.type === 'input_audio_buffer.append') {
        const b = Buffer.from(e.audio, 'base64');
        for (const x of new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))) sent.push(x / 32768);
      }
    };
    const sp = new Float32Array(QUANTUM);
    const z = new Float32Array(QUANTUM);
    const LATE = Number(process.env.ALIVE_LATE ?? 0);
    // (mutedb33) ALIVE_MUTE=<s>: muted-mic's B instead: the mic live from the start, dead from that time until ALIVE_ON
    // (+ ALIVE_LATE), then as above; ALIVE_JUDGE=1: each path change's rule (louder 2, misfit 4, divergence 1, emerged 8;
    // 16 a shift taken instead) after the trace (bench/echo-lab/louder-judge.mjs)
    const MUTE = process.env.ALIVE_MUTE ? Number(process.env.ALIVE_MUTE) : -1;
    const JUDGE_STRIDE = 28; // (bench/echo-lab/louder-judge.mjs's entries: block, rule, ..., [21] peak, [22] onset, [23] offset)
    const judgeBase = process.env.ALIVE_JUDGE ? ec.heap.alloc(4 * JUDGE_STRIDE * 64) : 0;
    if (judgeBase) k.aec_ljtrace_set(judgeBase, 64, ec.heap.alloc(36 * 1100));
    const LATE_Q = Math.round((LATE * RATE) / QUANTUM) * QUANTUM;
    const db = (x: number) => (10 * Math.log10(x + 1e-30)).toFixed(1).padStart(6);
    console.log(`rate ${rate} block ${ec.blockSamples} on ${on}`);
    let ech = 0;
    let n = 0;
    const lines: [number, string][] = [];
    for (let q = 0; q < ECHO.length / QUANTUM && (q * QUANTUM) / RATE < to; q++) {
      const t = (q * QUANTUM) / RATE;
      if (mode === 'mic' && q === deliver) for (const e of SCRIPT) a.handleServerEvent(e);
      a.readPlayback(sp);
      const live = t >= on;
      // (late32) ALIVE_LATE=<s>: WebKit's late resume (late31): zeros until on + late, then the echo `late` s behind
      const mic =
        MUTE >= 0 && t < MUTE
          ? ECHO.subarray(q * QUANTUM, (q + 1) * QUANTUM)
          : LATE > 0
            ? t >= on + LATE - 1e-9
              ? ECHO.subarray(q * QUANTUM - LATE_Q, (q + 1) * QUANTUM - LATE_Q)
              : z
            : live
              ? ECHO.subarray(q * QUANTUM, (q + 1) * QUANTUM)
              : z;
      a.pushMicrophone(mic);
      if (t < from) continue;
      for (const v of mic) ech += v * v;
      n += QUANTUM;
      if (q % every !== 0) continue;
      const f32 = new Float32Array(k.memory.buffer);
      const at = k.aec_delay_profile(s) >> 2;
      const L = k.aec_delay_search_lags(s);
      let sum = 0;
      let live2 = 0;
      for (let l = 0; l < L; l++) {
        const c = f32[at + l]!;
        if (k.aec_delay_debug(s, 3, l) > 0) {
          sum += c;
          live2++;
        }
      }
      const pl = k.aec_delay_peak_lag(s);
      lines.push([
        q,
        `${t.toFixed(3)} peak ${(pl * blockMs).toFixed(0).padStart(3)} ${k.aec_delay_peak(s).toFixed(3)} age ${k.aec_delay_debug(s, 3, pl)} mean ${(sum / Math.max(1, live2)).toFixed(3)} cand ${(k.aec_delay_debug(s, 0, 0) * blockMs).toFixed(0)}x${k.aec_delay_debug(s, 1, 0)} sl ${(L * blockMs).toFixed(0)} far ${(k.aec_delay_debug(s, 10, 0) * blockMs).toFixed(0)} ${(k.aec_delay_debug(s, 11, 0) / 1000).toFixed(3)} m ${(k.aec_delay_debug(s, 12, 0) / 1000).toFixed(3)} pv ${k.aec_delay_debug(s, 14, 0)} yw ${k.aec_delay_debug(s, 15, 0)} onset ${(ec.delayMs ?? -1).toFixed(0).padStart(3)} hold ${k.aec_state_field(s, 53)} ap ${k.aec_state_field(s, 99)}${process.env.ALIVE_RL ? ` rl ${k.aec_state_field(s, 100)}` : ''} rr ${k.aec_state_field(s, 95).toFixed(1)} rh ${k.aec_state_field(s, 96)} off ${(k.aec_filter_offset(s) * blockMs).toFixed(0).padStart(3)} mv ${k.aec_filter_moves(s)} best ${db(k.aec_best_erle(s))} T${k.aec_talking(s)} g ${k.aec_gain_db(s).toFixed(1)} x ${k.aec_excess_db(s).toFixed(1)} pres ${k.aec_present_blocks(s)} nf ${k.aec_floor_db(s, 0).toFixed(1)} | echo ${db(ech / n)}`,
      ]);
      ech = 0;
      n = 0;
    }
    if (trBase) {
      const f32 = new Float32Array(k.memory.buffer);
      const n = k.aec_trace_count();
      const sum = (i: number, m: number) => {
        let x = 0;
        const o = (trBase >> 2) + i * stride + 16 + B + m * K;
        for (let j = 0; j < K; j++) x += f32[o + j]!;
        return db(x);
      };
      const sup: string[] = [];
      for (let i = 0; i < n; i++) {
        const t = (i * B) / rate;
        if (t < from || t > to) continue;
        const o = (trBase >> 2) + i * stride;
        const sc = (j: number) => f32[o + j]!;
        // (tail26) ALIVE_OCT=1: per block the gain's mean (dB) over the octaves 94-188 Hz .. 6-12 kHz (the trace's slot 8),
        // and the mic's user and echo (dBFS over the block's 48 kHz samples; the grid mode only)
        let oct = '';
        if (process.env.ALIVE_OCT) {
          const g: string[] = [];
          const go = (trBase >> 2) + i * stride + 16 + B + 8 * K;
          for (let lo = 2; lo < B; lo *= 2) {
            let x = 0;
            for (let j = lo; j < 2 * lo; j++) x += f32[go + j]!;
            g.push((20 * Math.log10(x / lo + 1e-30)).toFixed(0).padStart(4));
          }
          const m0 = i * 2 * B;
          let u = 0;
          let ee = 0;
          for (let j = m0; j < m0 + 2 * B && ECHO_ONLY && j < ECHO.length; j++) {
            u += (ECHO[j]! - ECHO_ONLY[j]!) ** 2;
            ee += ECHO_ONLY[j]! ** 2;
          }
          oct = ` | g${g.join('')} | user ${db(u / (2 * B))} echo ${db(ee / (2 * B))}`;
          // (pause27) ALIVE_OCT=2: the reference's prediction of the mic's echo rho A and E's part coherent with Y too
          if (process.env.ALIVE_OCT === '2') oct += ` | rhoA ${sum(i, 13)} coh ${sum(i, 14)}`;
        }
        sup.push(
          `blk ${i} ${t.toFixed(3)} hang ${sc(0)} pb ${sc(1)} warm ${sc(2)} susp ${sc(3)} x ${sc(4).toFixed(1)} ris ${sc(5)} mod ${sc(6)} pl ${sc(13)} share ${sc(12).toFixed(2)} oct ${sc(9)} micOver ${sc(10)}${process.env.ALIVE_RR ? ` rr ${sc(7).toFixed(1)} ub ${sc(8)}` : ''} | E ${sum(i, 0)} R ${sum(i, 5)} N ${sum(i, 10)} zA ${sum(i, 3)} kAf ${sum(i, 4)} etaY ${sum(i, 2)} Y ${sum(i, 1)} late ${sum(i, 11)}${oct}`,
        );
      }
      console.log(sup.join('\n'));
    }
    if (judgeBase) {
      const f32 = new Float32Array(k.memory.buffer, judgeBase, k.aec_ljtrace_count() * JUDGE_STRIDE);
      for (let i = 0; i < f32.length; i += JUDGE_STRIDE)
        console.log(
          `judge ${((f32[i]! * B) / rate).toFixed(3)} s rule ${f32[i + 1]} n ${f32[i + 2]} best ${f32[i + 14]!.toFixed(1)} peak ${(f32[i + 21]! * blockMs).toFixed(0)} onset ${(f32[i + 22]! * blockMs).toFixed(0)} offset ${(f32[i + 23]! * blockMs).toFixed(0)} ms`,
        );
    }
    a.free();
    // the output over the same quanta as each line's echo (the quanta since the line before), delayed by the chunking
    // (the pipeline sends what it has: the sample index is the quantum's x 64 once the first chunk went out)
    let prev = -1;
    const outDb = (q0: number, q1: number) => {
      let e = 0;
      for (let i = q0 * 64; i < q1 * 64; i++) e += (sent[i] ?? 0) ** 2;
      return db(e / Math.max(1, (q1 - q0) * 64));
    };
    console.log(`sent ${sent.length} samples`);
    const rows: string[] = [];
    for (const [q, l] of lines) {
      rows.push(`${l} out ${prev < 0 ? '  -' : outDb(prev + 1, q + 1)}`);
      prev = q;
    }
    console.log(rows.join('\n'));
  }),
);
