// The real Bluetooth codecs for the Bluetooth scenes (aec-sbc, aec-codecs; ./echo-bt models a codec, this
// codes it): the reply as played -> resampled to the codec's rate -> the codec's reference encoder ->
// its decoder -> back to the scene's rate. Not our model of a codec: its filterbank or transform, its
// bit allocation and its quantizer, so the coding noise is what a Bluetooth speaker or earbud plays.
//
// SBC (aec-sbc): BlueZ's reference encoder and decoder (`sbcenc` / `sbcdec`, Debian's sbc-tools: the
// libsbc Linux's A2DP stack uses). The settings after BlueZ profiles/audio/a2dp-codecs.h and the A2DP
// spec's "recommended sets of SBC parameters" (8 subbands, 16 blocks, loudness allocation; high
// quality joint stereo bitpool 53 at 44.1 kHz, 51 at 48 kHz; middle quality 35 / 33; BlueZ's default
// preset HQ_STEREO_44_1):
// - 'sbc53': 44.1 kHz joint stereo bitpool 53, the reply on both channels (what a browser's mono
//   voice becomes on a stereo A2DP sink: joint stereo codes it as mid, its side silent).
// - 'sbc32': the same at bitpool 32, under the middle quality's 35: what a congested link falls to
//   (PipeWire and Android lower the bitpool when the radio's queue fills).
// - 'sbc51': 48 kHz joint stereo bitpool 51, A2DP's high quality at 48 kHz (the sink's other common
//   rate; aec-sbcpeers, for bluetoothGroup's 'sbc48' scenes).
// - 'msbc': HFP's wideband speech codec (a headset or a car in a call, the Bluetooth mic in use):
//   16 kHz mono, 8 subbands, 15 blocks, bitpool 26, fixed by the HFP spec (`sbcenc -m`).
// LC3 (aec-codecs): LE Audio's codec, Google's liblc3 (`elc3` / `dlc3`, Debian's liblc3-tools), one
// mono stream per earbud as LE Audio sends it (a CIS each), at the Basic Audio Profile's codec
// configurations (BAP v1.0 table 5.2; e.g. Zephyr's include/zephyr/bluetooth/audio/bap_lc3_preset.h):
// - 'lc3_32_2': BAP 32_2, 32 kHz, 10 ms frames of 80 octets (64 kbps): super-wideband voice, what
//   earbuds take for a call or a voice assistant (TMAP's call configuration).
// - 'lc3_32_1': BAP 32_1, the same at 7.5 ms frames of 60 octets (64 kbps): the low-latency framing.
// - 'lc3_16_2': BAP 16_2, 16 kHz, 10 ms frames of 40 octets (32 kbps): the one every BAP unicast
//   client and server must support, a headset's bidirectional mode (its mic in use).
// AAC (aec-codecs): ffmpeg's native AAC-LC encoder (Debian's ffmpeg), ADTS, stereo with the reply on
// both channels (mid/side codes the side as silence), decoded by ffmpeg's decoder:
// - 'aac256': 44.1 kHz at 256 kbps: what iPhones and Macs send to AirPods and other AAC sinks ("Apple
//   [...] uses this across its product lines as their standard codec running at 256kbps": Archimago's
//   measurements, https://archimago.blogspot.com/2023/08/part-ii-comparison-of-bluetooth.html).
// - 'aac128': 44.1 kHz at 128 kbps: the low end of what sources use (a sink advertising a lower maximum
//   bitrate; PipeWire's floor is 64 kbps).
// - 'aac320_48': 48 kHz at 320 kbps: PipeWire's default (spa/plugins/bluez5/a2dp-codec-aac.c
//   DEFAULT_AAC_BITRATE 320000), a Linux source to a 48 kHz sink.
// The encoders' own choices (ffmpeg's twoloop coder with its perceptual noise substitution and TNS,
// liblc3's bandwidth detector) are their defaults: what a device's encoder decides is part of the path.
//
// The delay. A device plays the decoder's output as it comes, the codec's algorithmic delay in it
// (`played`): LC3 2.5 ms at 10 ms frames, 4 ms at 7.5 ms (its lookahead; liblc3's lc3_delay_samples:
// 80 / 128 / 40 samples for the three; `dlc3` takes it out, so it is put back here), AAC 1024 samples
// (23.2 ms at 44.1 kHz: ffmpeg's encoder priming, which ADTS cannot signal, so the decoder plays it),
// on top of the scene's `delayMs`. SBC's 73 samples (its analysis and synthesis filterbanks, 1.66 ms
// at 44.1 kHz, 4.56 ms for mSBC) are taken out instead, as aec-sbc did (its scenes and figures are
// kept): for SBC the scene's `delayMs` is the whole delay. `aligned` takes every codec's delay out
// (to measure the coding error), `raw` is the tools' output as is (to measure their delay:
// `codecDelay`). The rate changes are sox's (`rate -v`, linear phase, its delay compensated), without
// dither (deterministic). Needs the codec's tools and sox on PATH (`codecMissing` says which are not).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

export type SbcCodec = 'sbc53' | 'sbc32' | 'sbc51' | 'msbc' | 'resampled';
export type Lc3Codec = 'lc3_32_2' | 'lc3_32_1' | 'lc3_16_2';
export type AacCodec = 'aac256' | 'aac128' | 'aac320_48';
export type BtCodec = SbcCodec | Lc3Codec | AacCodec;

export interface CodecSettings {
  /** The tools: BlueZ's SBC, liblc3, ffmpeg's AAC, or none (the rate changes alone). */
  tool: 'sbc' | 'lc3' | 'aac' | 'none';
  /** The codec's sample rate, Hz. */
  rateHz: number;
  /** The reply on both channels (SBC joint stereo, AAC), else mono. */
  stereo: boolean;
  /** SBC: bitpool and blocks; HFP's mSBC (`sbcenc -m`: 16 kHz mono, 15 blocks, bitpool 26). */
  bitpool?: number;
  blocks?: number;
  msbc?: boolean;
  /** LC3's frame, ms (10 or 7.5). */
  frameMs?: number;
  /** LC3 and AAC: the bitrate, bits per second. */
  bitrateBps?: number;
  /** The delay in the tools' output, samples at `rateHz` (`codecDelay` measures it). */
  toolDelaySamples: number;
  /** The delay a device plays, samples at `rateHz` (SBC: 0, aec-sbc's convention; see the opening comment). */
  playedDelaySamples: number;
  what: string;
}

/** The codec's delay at its rate, samples (8 subbands: the encoder's and decoder's filterbanks; `codecDelay` measures it). */
export const SBC_DELAY_SAMPLES = 73;
/** ffmpeg's AAC encoder priming, samples at the codec's rate (one frame; `codecDelay` measures it). */
export const AAC_PRIMING_SAMPLES = 1024;
/** LC3's algorithmic delay past its frame, ms (liblc3's lc3_delay_samples: 2.5 ms at 10 ms frames, 4 ms at 7.5 ms). */
const lc3DelaySamples = (frameMs: number, rateHz: number) => ((frameMs === 7.5 ? 4 : 2.5) * rateHz) / 1000;

const sbc = (rateHz: number, stereo: boolean, bitpool: number, blocks: number, msbc: boolean, what: string): CodecSettings => ({
  tool: 'sbc',
  rateHz,
  stereo,
  bitpool,
  blocks,
  msbc,
  toolDelaySamples: SBC_DELAY_SAMPLES,
  playedDelaySamples: 0,
  what,
});
const lc3 = (rateHz: number, frameMs: number, bitrateBps: number, what: string): CodecSettings => ({
  tool: 'lc3',
  rateHz,
  stereo: false,
  frameMs,
  bitrateBps,
  toolDelaySamples: 0,
  playedDelaySamples: lc3DelaySamples(frameMs, rateHz),
  what,
});
const aac = (rateHz: number, bitrateBps: number, what: string): CodecSettings => ({
  tool: 'aac',
  rateHz,
  stereo: true,
  bitrateBps,
  toolDelaySamples: AAC_PRIMING_SAMPLES,
  playedDelaySamples: AAC_PRIMING_SAMPLES,
  what,
});

export const CODECS: Record<BtCodec, CodecSettings> = {
  sbc53: sbc(44100, true, 53, 16, false, 'A2DP SBC high quality (44.1 kHz joint stereo, bitpool 53)'),
  sbc32: sbc(44100, true, 32, 16, false, 'A2DP SBC on a congested link (44.1 kHz joint stereo, bitpool 32)'),
  sbc51: sbc(48000, true, 51, 16, false, 'A2DP SBC high quality at 48 kHz (joint stereo, bitpool 51)'),
  resampled: {
    tool: 'none',
    rateHz: 44100,
    stereo: false,
    toolDelaySamples: 0,
    playedDelaySamples: 0,
    what: 'the rate changes alone (44.1 kHz and back), no codec',
  },
  msbc: sbc(16000, false, 26, 15, true, 'HFP mSBC (16 kHz mono, bitpool 26)'),
  lc3_32_2: lc3(32000, 10, 64000, 'LE Audio LC3 BAP 32_2 (32 kHz, 10 ms, 64 kbps)'),
  lc3_32_1: lc3(32000, 7.5, 64000, 'LE Audio LC3 BAP 32_1 (32 kHz, 7.5 ms, 64 kbps)'),
  lc3_16_2: lc3(16000, 10, 32000, 'LE Audio LC3 BAP 16_2 (16 kHz, 10 ms, 32 kbps)'),
  aac256: aac(44100, 256000, 'A2DP AAC-LC 44.1 kHz 256 kbps (an iPhone to AirPods)'),
  aac128: aac(44100, 128000, 'A2DP AAC-LC 44.1 kHz 128 kbps (a sink with a lower maximum bitrate)'),
  aac320_48: aac(48000, 320000, "A2DP AAC-LC 48 kHz 320 kbps (PipeWire's default)"),
};

/** The command-line tools each codec family needs, with sox, and their Debian packages. */
const TOOLS: Record<CodecSettings['tool'], { commands: string[]; packages: string[] }> = {
  sbc: { commands: ['sbcenc', 'sbcdec'], packages: ['sbc-tools'] },
  lc3: { commands: ['elc3', 'dlc3'], packages: ['liblc3-tools'] },
  aac: { commands: ['ffmpeg'], packages: ['ffmpeg'] },
  none: { commands: [], packages: [] },
};

/** Which of the tools `codecs` need (and sox) are not on PATH, as an error message; null when all are. */
export function codecMissing(codecs: BtCodec[] = ['sbc53']): string | null {
  const families = [...new Set(codecs.map((c) => CODECS[c].tool))];
  const commands = ['sox', ...families.flatMap((f) => TOOLS[f].commands)];
  const missing = commands.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  if (missing.length === 0) return null;
  const packages = ['sox', ...families.flatMap((f) => TOOLS[f].packages)].join(' ');
  return `the real codec needs ${missing.join(', ')} on PATH (Debian: apt-get install -y ${packages})`;
}

/** sox's passband, % of the lower Nyquist (its default 95 cut 7.6-8 kHz off a 16 kHz scene: not the codec). */
const RATE_BANDWIDTH_PERCENT = process.env.ECHO_SBC_BANDWIDTH ?? '99';

function run(command: string, args: string[]): Buffer {
  const r = spawnSync(command, args, { maxBuffer: 1 << 30 });
  if (r.error) throw new Error(`${command}: ${r.error.message} (${codecMissing(['sbc53', 'lc3_32_2', 'aac256']) ?? 'on PATH'})`);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')}: exit ${r.status}: ${r.stderr.toString()}`);
  return r.stdout;
}

/**
 * `x` (at `sampleRate`) through the real codec and back, `x.length` samples. `delay`: 'played' (what
 * a device plays: the codec's delay in it, SBC's taken out), 'aligned' (every codec's delay taken
 * out: the coded reply lines up with the reply), 'raw' (the tools' output as is).
 */
export function codecCoded(x: ArrayLike<number>, sampleRate: number, codec: BtCodec, delay: 'played' | 'aligned' | 'raw' = 'played'): Float64Array {
  const s = CODECS[codec];
  const dir = mkdtempSync(join(os.tmpdir(), 'rtpcm-codec-'));
  try {
    const input = Float32Array.from(x);
    writeFileSync(join(dir, 'in.f32'), new Uint8Array(input.buffer));
    const raw = (rate: number) => ['-t', 'f32', '-e', 'floating-point', '-r', String(rate), '-c', '1'];
    // to the codec's rate, 16-bit, both channels for stereo; 50 ms of silence after (the codecs' last frame and delay)
    const up = join(dir, s.tool === 'sbc' || s.tool === 'none' ? 'up.au' : 'up.wav');
    run('sox', [
      '-D',
      ...raw(sampleRate),
      join(dir, 'in.f32'),
      '-t',
      s.tool === 'sbc' || s.tool === 'none' ? 'au' : 'wav',
      '-e',
      'signed-integer',
      '-b',
      '16',
      up,
      'rate',
      '-v',
      '-b',
      RATE_BANDWIDTH_PERCENT,
      String(s.rateHz),
      'channels',
      s.stereo ? '2' : '1',
      'pad',
      '0',
      '0.05',
    ]);
    let decoded = up;
    if (s.tool === 'sbc') {
      decoded = join(dir, 'dec.au');
      const encode = s.msbc ? ['-m'] : ['-s', '8', '-B', String(s.blocks), '-b', String(s.bitpool), ...(s.stereo ? ['-j'] : [])];
      writeFileSync(join(dir, 'coded.sbc'), run('sbcenc', [...encode, up]));
      run('sbcdec', [...(s.msbc ? ['-m'] : []), '-f', decoded, join(dir, 'coded.sbc')]);
    } else if (s.tool === 'lc3') {
      decoded = join(dir, 'dec.wav');
      run('elc3', ['-b', String(s.bitrateBps), '-m', String(s.frameMs), up, join(dir, 'coded.lc3')]);
      run('dlc3', [join(dir, 'coded.lc3'), decoded]);
    } else if (s.tool === 'aac') {
      decoded = join(dir, 'dec.wav');
      const ff = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-threads', '1'];
      run('ffmpeg', [...ff, '-i', up, '-c:a', 'aac', '-b:a', String(s.bitrateBps), '-flags:a', '+bitexact', '-f', 'adts', join(dir, 'coded.aac')]);
      run('ffmpeg', [...ff, '-i', join(dir, 'coded.aac'), '-c:a', 'pcm_f32le', '-flags:a', '+bitexact', '-fflags', '+bitexact', decoded]);
    }
    // the first channel (stereo: both the same but for the side's coding noise), the delay as asked, back to the scene's rate
    const shift = delay === 'raw' ? 0 : (delay === 'played' ? s.playedDelaySamples : 0) - s.toolDelaySamples;
    const moved = shift < 0 ? ['trim', `${-shift}s`] : shift > 0 ? ['pad', `${shift}s`, '0'] : [];
    run('sox', [
      '-D',
      decoded,
      ...raw(sampleRate),
      join(dir, 'out.f32'),
      'remix',
      '1',
      ...moved,
      'rate',
      '-v',
      '-b',
      RATE_BANDWIDTH_PERCENT,
      String(sampleRate),
    ]);
    const b = readFileSync(join(dir, 'out.f32'));
    const out = new Float32Array(b.buffer, b.byteOffset, Math.floor(b.length / 4));
    const y = new Float64Array(input.length);
    for (let t = 0; t < y.length && t < out.length; t++) y[t] = out[t]!;
    return y;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The median over `x`'s 16 ms frames (at 16 kHz: 256 samples) within 40 dB of its loudest of the
 * frame's power over `err`'s, dB: how far the coding error stands under the reply.
 */
export function medianFrameSnrDb(x: ArrayLike<number>, err: ArrayLike<number>, frameSamples = 256): number {
  const frames: [number, number][] = [];
  for (let at = 0; at + frameSamples <= x.length; at += frameSamples) {
    let s = 0;
    let e = 0;
    for (let i = at; i < at + frameSamples; i++) {
      s += x[i]! ** 2;
      e += err[i]! ** 2;
    }
    frames.push([s, e]);
  }
  const loudest = Math.max(...frames.map(([s]) => s));
  const snrs = frames
    .filter(([s]) => s >= loudest * 1e-4)
    .map(([s, e]) => 10 * Math.log10(s / Math.max(e, 1e-30)))
    .sort((a, b) => a - b);
  return snrs[Math.floor(snrs.length / 2)]!;
}

/** The lag (0..maxLag samples) of `y` behind `x` with the best normalized correlation, over x[from..x.length - maxLag). */
export function lagSamples(x: ArrayLike<number>, y: ArrayLike<number>, maxLag: number, from = 0): number {
  let best = 0;
  let bestCorr = -1;
  for (let lag = 0; lag <= maxLag; lag++) {
    let xy = 0;
    let yy = 0;
    let xx = 0;
    for (let t = from; t < x.length - maxLag; t++) {
      xy += x[t]! * y[t + lag]!;
      yy += y[t + lag]! ** 2;
      xx += x[t]! ** 2;
    }
    const c = xy / Math.sqrt(xx * yy);
    if (c > bestCorr) {
      bestCorr = c;
      best = lag;
    }
  }
  return best;
}

/**
 * The delay in the codec's tools' output at its rate, samples: white noise (seeded) at the codec's
 * rate through it as the tools give it back, the lag of the best normalized correlation over 0-1200 samples.
 */
export function codecDelay(codec: BtCodec): number {
  const rate = CODECS[codec].rateHz;
  let state = 12345;
  const x = Float64Array.from({ length: rate }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return 0.2 * (state / 2 ** 32 - 0.5);
  });
  return lagSamples(x, codecCoded(x, rate, codec, 'raw'), 1200, 1000);
}
