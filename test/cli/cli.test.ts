// The realtime-pcm command: inspect, convert, events and play on fixtures, and clear errors (with
// exit codes) for missing, corrupt and non-WAV files. Most cases run `runCli` in-process; one runs
// the built bin (dist/cli.js) as a user would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/main.js';
import { Resampler } from '../../src/kernels/resampler.js';
import { buildWav, int16Bytes } from './wav-builder.js';
import { powerSpectrum } from '../helpers/spectrum.mjs';
import { convolve, loadRoom } from '../helpers/echo-sources.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (p: string) => join(root, 'fixtures', p);
let dir: string;

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), stderrIsTTY: false });
  return { code, out, err };
}

function readPcm16(path: string): { rate: number; samples: Int16Array } {
  const b = readFileSync(path);
  // the 44-byte header encodeWav writes (checked field by field in wav.test.ts)
  const samples = new Int16Array((b.length - 44) / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = b.readInt16LE(44 + 2 * i);
  return { rate: b.readUInt32LE(24), samples };
}

function f32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'realtime-pcm-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('realtime-pcm inspect', () => {
  it('reports the format, and how to make a 48 kHz file ready for a session', async () => {
    const r = await run('inspect', fixture('browser/speech-48000.wav'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/PCM 16-bit, 48000 Hz, mono/);
    expect(r.out).toMatch(/4\.602 s \(220895 frames/);
    expect(r.out).toMatch(/not ready/);
    expect(r.out).toMatch(/sample rate 48000 Hz: the session takes 24000 Hz/);
    expect(r.out).toMatch(/realtime-pcm convert .*speech-48000\.wav speech-48000-24k\.wav --rate 24000/);
  });

  it('says ready for 24 kHz mono PCM16, and lists each problem of a stereo float file (--json)', async () => {
    const ready = join(dir, 'ready.wav');
    writeFileSync(ready, buildWav({ sampleRate: 24000, data: int16Bytes([0, 1, 2, 3]) }));
    expect((await run('inspect', ready)).out).toMatch(/realtime session: ready/);
    const stereo = join(dir, 'stereo.wav');
    writeFileSync(stereo, buildWav({ formatTag: 3, channels: 2, bitsPerSample: 32, sampleRate: 44100, data: Buffer.alloc(32) }));
    const json = JSON.parse((await run('inspect', stereo, '--json')).out);
    expect(json).toMatchObject({ ready: false, sampleRate: 44100, channels: 2, encoding: 'float' });
    expect(json.problems).toHaveLength(3);
    const ulaw = join(dir, 'phone.wav');
    writeFileSync(ulaw, buildWav({ formatTag: 7, sampleRate: 8000, bitsPerSample: 8, data: Buffer.alloc(80, 0xff) }));
    expect((await run('inspect', ulaw)).out).toMatch(/also ready for: OpenAI Realtime with format \{ type: 'audio\/pcmu' \}/);
  });

  it('fails clearly (exit 1) on a missing file, a non-WAV file, a truncated file and an unsupported codec', async () => {
    const missing = await run('inspect', join(dir, 'nope.wav'));
    expect(missing).toMatchObject({ code: 1, out: '' });
    expect(missing.err).toMatch(/cannot read .*nope\.wav: no such file/);
    expect((await run('inspect', dir)).err).toMatch(/it is a directory/);
    const json = await run('inspect', join(root, 'package.json'));
    expect(json.code).toBe(1);
    expect(json.err).toMatch(/package\.json: not a WAV file: it starts with "\{\\n {2}", not RIFF \[wav_not_wav\]/);
    const cut = join(dir, 'cut.wav');
    writeFileSync(cut, readFileSync(fixture('browser/speech-48000.wav')).subarray(0, 10000));
    const truncated = await run('inspect', cut);
    expect(truncated.code).toBe(1);
    expect(truncated.err).toMatch(/says 441790 bytes but the file has only 9956 .*cut short \[wav_truncated\]/);
    const adpcm = join(dir, 'adpcm.wav');
    writeFileSync(adpcm, buildWav({ formatTag: 0x11, bitsPerSample: 4, blockAlign: 256, data: Buffer.alloc(512) }));
    expect((await run('inspect', adpcm)).err).toMatch(/IMA ADPCM audio is not supported .*\[wav_unsupported_format\]/);
  });

  it('answers usage errors with exit 2 and the usage text', async () => {
    for (const args of [
      [],
      ['frobnicate'],
      ['inspect'],
      ['convert', 'a.wav'],
      ['inspect', 'a.wav', '--rate', '8000'],
      ['convert', 'a.wav', 'b.wav', '--rate', '12345'],
    ]) {
      const r = await run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/realtime-pcm: /);
    }
    expect((await run('--help')).out).toMatch(/usage: realtime-pcm/);
  });
});

describe('realtime-pcm convert', () => {
  it('48 kHz float -> 24 kHz PCM16 matches sox rate -v within PCM16 precision, at the same length', async () => {
    // the sox reference pair of the resampler tests (fixtures/resampler/README.md), through a float WAV
    const input = f32(fixture('resampler/sweep-48000.f32'));
    const reference = f32(fixture('resampler/sweep-48000-to-24000.f32'));
    const inPath = join(dir, 'sweep-48000.wav');
    writeFileSync(inPath, buildWav({ formatTag: 3, sampleRate: 48000, bitsPerSample: 32, data: Buffer.from(input.buffer) }));
    const outPath = join(dir, 'sweep-24000.wav');
    const r = await run('convert', inPath, outPath, '--rate', '24000');
    expect(r.code).toBe(0);
    const { rate, samples } = readPcm16(outPath);
    expect(rate).toBe(24000);
    expect(samples.length).toBe(reference.length);
    // over the whole file less 10 ms at each end (the edge transients differ), as resampler-sox.test.ts
    // does: the resampler's designed agreement with sox (+-0.0002 dB below 0.40 x 24 kHz, +-0.05 dB
    // above) bounds the whole band at about 45 dB (measured 61 dB); below 0.39 x 24 kHz, PCM16
    // quantization of a -6 dBFS sweep bounds it near 92 dB (measured 91 dB).
    const error = new Float64Array(reference.length);
    let signal = 0;
    let noise = 0;
    for (let i = 240; i < reference.length - 240; i++) {
      error[i] = samples[i]! / 32768 - reference[i]!;
      signal += reference[i]! ** 2;
      noise += error[i]! ** 2;
    }
    expect(10 * Math.log10(signal / noise)).toBeGreaterThan(44);
    const errorPower = powerSpectrum(error, 240, reference.length - 240);
    const refPower = powerSpectrum(reference, 240, reference.length - 240);
    const bins = Math.floor(0.39 * 2 * (errorPower.length - 1)); // bin k is k / (2 (length - 1)) cycles per sample
    let signalBelow = 0;
    let noiseBelow = 0;
    for (let k = 0; k < bins; k++) {
      signalBelow += refPower[k]!;
      noiseBelow += errorPower[k]!;
    }
    expect(10 * Math.log10(signalBelow / noiseBelow)).toBeGreaterThan(85);
  });

  it('mixes stereo to mono and writes equal-rate input unchanged; shows a progress line when asked', async () => {
    const inPath = join(dir, 'stereo-24k.wav');
    writeFileSync(inPath, buildWav({ channels: 2, sampleRate: 24000, data: int16Bytes([100, 300, -50, -150]) }));
    const outPath = join(dir, 'mono-24k.wav');
    const r = await run('convert', inPath, outPath, '--progress');
    expect(r.code).toBe(0);
    expect(Array.from(readPcm16(outPath).samples)).toEqual([200, -100]);
    expect(r.err).toMatch(/converting: 100% \(0\.0 of 0\.0 s\)\n/);
    const long = join(dir, 'long-48k.wav');
    writeFileSync(long, buildWav({ sampleRate: 48000, data: Buffer.alloc(48000 * 2 * 40) })); // 40 s
    const p = await run('convert', long, join(dir, 'long-24k.wav'), '--progress');
    expect(p.err).toMatch(/\rconverting: 50% \(20\.0 of 40\.0 s\)/);
    expect(readPcm16(join(dir, 'long-24k.wav')).samples.length).toBe(24000 * 40);
  });

  it('refuses a rate the resampler lacks, and a corrupt input, without writing the output', async () => {
    const odd = join(dir, 'odd-rate.wav');
    writeFileSync(odd, buildWav({ sampleRate: 12345, data: int16Bytes([1, 2]) }));
    const r = await run('convert', odd, join(dir, 'never.wav'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/12345 Hz; the resampler takes 8000, 11025/);
    const lying = join(dir, 'lying.wav');
    writeFileSync(lying, buildWav({ channels: 2, blockAlign: 2, data: int16Bytes([1, 2]) }));
    const l = await run('convert', lying, join(dir, 'never.wav'));
    expect(l.err).toMatch(/contradicts itself: block align 2 bytes, but 2 channel\(s\) x 16 bits = 4 \[wav_bad_header\]/);
    expect(() => readFileSync(join(dir, 'never.wav'))).toThrow();
  });
});

describe('realtime-pcm events and play', () => {
  it('events: 40 ms appends of the fixture at 24 kHz, VAD marks, and commits with --commit; play --input gives the audio back', async () => {
    const wav24 = join(dir, 'speech-24k.wav');
    await run('convert', fixture('browser/speech-48000.wav'), wav24);
    const r = await run('events', wav24, '--commit');
    expect(r.code).toBe(0);
    const events = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const appends = events.filter((e) => e.type === 'input_audio_buffer.append');
    // 110448 frames at 24 kHz: 115 whole 960-frame chunks and a 48-frame tail
    expect(appends).toHaveLength(116);
    expect(appends.slice(0, -1).every((e) => Buffer.from(e.audio, 'base64').length === 1920)).toBe(true);
    expect(Buffer.from(appends.at(-1).audio, 'base64').length).toBe(96);
    // the fixture: 0.3 s of silence, then a sentence (scripts/fixtures-browser.sh)
    const starts = events.filter((e) => e.type === 'realtime_pcm.speech_start');
    expect(starts.length).toBeGreaterThanOrEqual(1);
    expect(starts[0].time_ms).toBeGreaterThan(250);
    expect(starts[0].time_ms).toBeLessThan(400);
    const commit = events.findIndex((e) => e.type === 'input_audio_buffer.commit');
    expect(commit).toBeGreaterThan(events.findIndex((e) => e.type === 'realtime_pcm.speech_stop'));
    expect(events[commit + 1]).toEqual({ type: 'response.create' });
    const log = join(dir, 'events.jsonl');
    writeFileSync(log, r.out);
    const back = join(dir, 'back.wav');
    expect((await run('play', log, back, '--input')).code).toBe(0);
    expect(readFileSync(back).subarray(44)).toEqual(readFileSync(wav24).subarray(44));
  });

  it('events --silence-gating sends only the speech (with its prefix padding) and says how much silence it kept back', async () => {
    // the demo's turn: 0.3 s of silence, a sentence (0.313..1.848 s), 2.7 s of silence (scripts/demo-assets.sh)
    const turn = join(root, 'demo/assets/turn-48000.wav');
    const all = await run('events', turn);
    const gated = await run('events', turn, '--silence-gating');
    const count = (out: string) => out.split('\n').filter((l) => l.includes('input_audio_buffer.append')).length;
    expect(count(gated.out)).toBeLessThan(count(all.out));
    // sent: the sentence, its 300 ms prefix and the 500 ms of silence that ends it (about 2.7 s of 4.9 s)
    expect(count(gated.out) * 0.04).toBeGreaterThan(2.2);
    expect(count(gated.out) * 0.04).toBeLessThan(3.3);
    const notSent = Number(/([\d.]+) s of silence not sent/.exec(gated.err)![1]);
    expect(notSent).toBeCloseTo(((count(all.out) - count(gated.out)) * 40) / 1000, 1);
    expect((await run('events', fixture('browser/speech-48000.wav'), '--silence-gating', '--no-vad')).code).toBe(2);
  });

  it('events --reference FAR.wav removes the echo of what the speaker played (>= 20 dB less sent after 1 s; measured 30.8 dB in the lab desk room at 12 dB)', async () => {
    // FAR: the demo's reply (24 kHz); IN: its echo 50 ms later in the echo lab's desk room at -12 dB, plus faint noise
    const far = readPcm16(join(root, 'demo/assets/reply-24000.wav')).samples;
    const delayed = new Float64Array(far.length + 4800);
    far.forEach((v, i) => {
      delayed[i + 1200] = v;
    });
    const wet = convolve(delayed, loadRoom('desk', 24000).echoA, delayed.length);
    const gain = Math.sqrt(far.reduce((sum, v) => sum + v * v, 0) / wet.reduce((sum, v) => sum + v * v, 0)) * 10 ** (-12 / 20);
    let seed = 5;
    const mic = Int16Array.from(wet, (v) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return Math.max(-32768, Math.min(32767, Math.round(gain * v + ((seed >>> 16) % 7) - 3)));
    });
    const inPath = join(dir, 'echo-mic.wav');
    writeFileSync(inPath, buildWav({ sampleRate: 24000, data: int16Bytes(Array.from(mic)) }));
    const sentAudio = (out: string, protocol = 'openai') =>
      out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((e) => (protocol === 'gemini' ? e.realtimeInput?.audio !== undefined : e.type === 'input_audio_buffer.append'))
        .flatMap((e) =>
          Array.from(new Int16Array(Uint8Array.from(Buffer.from(protocol === 'gemini' ? e.realtimeInput.audio.data : e.audio, 'base64')).buffer)),
        );
    const energyAfter = (x: number[], rate: number) => x.slice(rate).reduce((sum, v) => sum + v * v, 0);
    const energyAfter1s = (x: number[]) => energyAfter(x, 24000);
    const plain = await run('events', inPath, '--no-vad');
    const cancelled = await run('events', inPath, '--no-vad', '--reference', join(root, 'demo/assets/reply-24000.wav'));
    expect(cancelled.code).toBe(0);
    const a = sentAudio(plain.out);
    const b = sentAudio(cancelled.out);
    expect(b.length).toBe(a.length); // the same stream times
    const reductionDb = 10 * Math.log10(energyAfter1s(a) / energyAfter1s(b));
    console.log(`events --reference: ${reductionDb.toFixed(1)} dB less echo sent after 1 s; ${cancelled.err.trim()}`);
    expect(reductionDb).toBeGreaterThan(20);
    expect(cancelled.err).toMatch(/echo canceller removing [\d.-]+ dB at the end/);
    const bad = join(dir, 'far-12345.wav');
    writeFileSync(bad, buildWav({ sampleRate: 12345, data: int16Bytes([0, 0]) }));
    const r = await run('events', inPath, '--reference', bad);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/12345 Hz; the reference takes/);
    // the same reply as a 48 kHz speaker played it (the canceller takes 24 kHz: the file is resampled
    // to it first), for OpenAI (24 kHz sent) and Gemini (16 kHz sent, the 24 kHz reference through
    // one more resampler): measured 45.8 / 34.8 dB; queued at 48 kHz as if it were 24 kHz (OpenAI on main since
    // aec-playtap), it removed nothing (0.0 dB)
    const resampler = new Resampler({ inputRate: 24000, outputRate: 48000 });
    const up = [...resampler.process(Float32Array.from(far, (v) => v / 32768)), ...resampler.flush()].slice(Math.round((resampler.latencyMs * 48000) / 1000));
    resampler.free();
    const far48 = join(dir, 'far-48000.wav');
    writeFileSync(far48, buildWav({ sampleRate: 48000, data: int16Bytes(up.map((v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))))) }));
    for (const protocol of ['openai', 'gemini']) {
      const rate = protocol === 'gemini' ? 16000 : 24000;
      const dry = sentAudio((await run('events', inPath, '--no-vad', '--protocol', protocol)).out, protocol);
      const wet = await run('events', inPath, '--no-vad', '--protocol', protocol, '--reference', far48);
      expect(wet.code).toBe(0);
      const cleaned = sentAudio(wet.out, protocol);
      expect(cleaned.length).toBe(dry.length);
      const db = 10 * Math.log10(energyAfter(dry, rate) / energyAfter(cleaned, rate));
      console.log(`events --protocol ${protocol} --reference (48 kHz): ${db.toFixed(1)} dB less echo sent after 1 s`);
      expect(db).toBeGreaterThan(20);
    }
  });

  it('events --protocol gemini sends 16 kHz realtimeInput.audio', async () => {
    const r = await run('events', fixture('browser/speech-48000.wav'), '--protocol', 'gemini', '--no-vad');
    const first = JSON.parse(r.out.split('\n')[0]!);
    expect(first.realtimeInput.audio.mimeType).toBe('audio/pcm;rate=16000');
    expect(Buffer.from(first.realtimeInput.audio.data, 'base64').length).toBe(1280); // 40 ms at 16 kHz
  });

  it('play: the assistant deltas of a session log, each item cut at its truncate', async () => {
    const tone = (n: number, v: number) => Buffer.from(new Int16Array(n).fill(v).buffer).toString('base64');
    const lines = [
      { type: 'session.created', session: {} },
      { type: 'response.output_audio.delta', item_id: 'a', delta: tone(2400, 100) },
      { type: 'response.output_audio.delta', item_id: 'a', delta: tone(2400, 200) },
      { type: 'conversation.item.truncate', item_id: 'a', content_index: 0, audio_end_ms: 150 },
      { type: 'response.output_audio.delta', item_id: 'b', delta: tone(480, 300) },
    ];
    const log = join(dir, 'session.jsonl');
    writeFileSync(log, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const out = join(dir, 'heard.wav');
    const r = await run('play', log, out);
    expect(r.code).toBe(0);
    const { rate, samples } = readPcm16(out);
    expect(rate).toBe(24000);
    // 150 ms of item a (2400 frames of 100, 1200 of 200), then item b whole
    expect(samples.length).toBe(3600 + 480);
    expect([samples[0], samples[2399], samples[2400], samples[3599], samples[3600]]).toEqual([100, 100, 200, 200, 300]);
    expect(r.err).toMatch(/0\.050 s cut at truncation points/);
    const whole = join(dir, 'whole.wav');
    await run('play', log, whole, '--no-truncate');
    expect(readPcm16(whole).samples.length).toBe(4800 + 480);
  });

  it('play: names the bad line of a corrupt log, and refuses a WAV file or a log with no audio', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"type":"session.created"}\n{"type":"response.output_audio.delta","item_id":"a","delta":"AAA="}\n{"type": oops\n');
    const r = await run('play', bad, join(dir, 'x.wav'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.jsonl:3: not JSON/);
    writeFileSync(bad, '{"type":"response.output_audio.delta","item_id":"a","delta":"AA=A"}\n');
    expect((await run('play', bad, join(dir, 'x.wav'))).err).toMatch(/bad\.jsonl:1: invalid base64 audio \(invalid_padding at character 2\)/);
    writeFileSync(bad, '{"type":"response.output_audio.delta","item_id":"a","delta":"AAAA"}\n');
    expect((await run('play', bad, join(dir, 'x.wav'))).err).toMatch(/bad\.jsonl:1: 3 bytes of audio is not whole PCM16 samples/);
    writeFileSync(bad, '{"type":"session.created"}\n');
    expect((await run('play', bad, join(dir, 'x.wav'))).err).toMatch(/1 events but no assistant audio/);
    const wav = await run('play', fixture('browser/speech-48000.wav'), join(dir, 'x.wav'));
    expect(wav.err).toMatch(/is a WAV file; play takes a JSON lines log/);
  });
});

describe('the built bin (dist/cli.js)', () => {
  it('runs as an executable and sets the exit code', () => {
    const ok = spawnSync(process.execPath, [join(root, 'dist/cli.js'), 'inspect', fixture('browser/speech-48000.wav')], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/48000 Hz, mono/);
    expect(readFileSync(join(root, 'dist/cli.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const bad = spawnSync(process.execPath, [join(root, 'dist/cli.js'), 'inspect', join(root, 'README.md')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/not a WAV file/);
  });
});
