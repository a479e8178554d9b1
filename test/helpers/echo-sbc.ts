// The real SBC codec for the Bluetooth scenes (aec-sbc; ./echo-bt models it, this codes it): the
// reply as played -> resampled to the codec's rate -> BlueZ's reference encoder (`sbcenc`, Debian's
// sbc-tools: the libsbc Linux's A2DP stack uses) -> its decoder (`sbcdec`) -> back to the scene's
// rate, the codec's filterbank delay taken out. Not our model of the codec: its subband analysis, its
// bit allocation and its quantizer, so the coding noise is what a Bluetooth speaker plays.
//
// The settings (BlueZ profiles/audio/a2dp-codecs.h, after the A2DP spec's "recommended sets of SBC
// parameters": 8 subbands, 16 blocks, loudness allocation; high quality joint stereo bitpool 53 at
// 44.1 kHz, 51 at 48 kHz; middle quality 35 / 33; BlueZ's default preset HQ_STEREO_44_1):
// - 'sbc53': 44.1 kHz joint stereo bitpool 53, the reply on both channels (what a browser's mono
//   voice becomes on a stereo A2DP sink: joint stereo codes it as mid, its side silent).
// - 'sbc32': the same at bitpool 32, under the middle quality's 35: what a congested link falls to
//   (PipeWire and Android lower the bitpool when the radio's queue fills).
// - 'sbc51': 48 kHz joint stereo bitpool 51, A2DP's high quality at 48 kHz (the sink's other common
//   rate; aec-sbcpeers, for bluetoothGroup's 'sbc48' scenes).
// - 'msbc': HFP's wideband speech codec (a headset or a car in a call, the Bluetooth mic in use):
//   16 kHz mono, 8 subbands, 15 blocks, bitpool 26, fixed by the HFP spec (`sbcenc -m`).
// The codec's delay: 73 samples at its rate for 8 subbands (its analysis and synthesis filterbanks;
// measured by `sbcCodecDelay`, 1.66 ms at 44.1 kHz, 4.56 ms for mSBC), taken out so that the coded
// reply lines up with the reply, as the model's does: the scene's `delayMs` stays the whole delay.
// The rate changes are sox's (`rate -v`, linear phase, its delay compensated), without dither
// (deterministic). Needs sbcenc, sbcdec and sox on PATH (`sbcMissing` says which are not).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

export type SbcCodec = 'sbc53' | 'sbc32' | 'sbc51' | 'msbc' | 'resampled';

export interface SbcSettings {
  /** The codec's sample rate, Hz. */
  rateHz: number;
  /** Joint stereo with the reply on both channels (else mono). */
  joint: boolean;
  bitpool: number;
  blocks: number;
  /** HFP's mSBC (`sbcenc -m`: 16 kHz mono, 15 blocks, bitpool 26). */
  msbc: boolean;
  /** false: the rate changes alone, no codec (a control: what the chain does without SBC). */
  coded: boolean;
  what: string;
}

export const SBC_CODECS: Record<SbcCodec, SbcSettings> = {
  sbc53: { rateHz: 44100, joint: true, bitpool: 53, blocks: 16, msbc: false, coded: true, what: 'A2DP SBC high quality (44.1 kHz joint stereo, bitpool 53)' },
  sbc32: {
    rateHz: 44100,
    joint: true,
    bitpool: 32,
    blocks: 16,
    msbc: false,
    coded: true,
    what: 'A2DP SBC on a congested link (44.1 kHz joint stereo, bitpool 32)',
  },
  sbc51: { rateHz: 48000, joint: true, bitpool: 51, blocks: 16, msbc: false, coded: true, what: 'A2DP SBC high quality at 48 kHz (joint stereo, bitpool 51)' },
  resampled: { rateHz: 44100, joint: false, bitpool: 0, blocks: 0, msbc: false, coded: false, what: 'the rate changes alone (44.1 kHz and back), no codec' },
  msbc: { rateHz: 16000, joint: false, bitpool: 26, blocks: 15, msbc: true, coded: true, what: 'HFP mSBC (16 kHz mono, bitpool 26)' },
};

/** The codec's delay at its rate, samples (8 subbands: the encoder's and decoder's filterbanks; `sbcCodecDelay` measures it). */
export const SBC_DELAY_SAMPLES = 73;

/** Which of sbcenc, sbcdec, sox are not on PATH, as an error message; null when all are. */
export function sbcMissing(): string | null {
  const missing = ['sbcenc', 'sbcdec', 'sox'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  if (missing.length === 0) return null;
  return `the real SBC codec needs ${missing.join(', ')} on PATH (Debian: apt-get install -y sbc-tools sox)`;
}

/** sox's passband, % of the lower Nyquist (its default 95 cut 7.6-8 kHz off a 16 kHz scene: not the codec). */
const RATE_BANDWIDTH_PERCENT = process.env.ECHO_SBC_BANDWIDTH ?? '99';

function run(command: string, args: string[]): Buffer {
  const r = spawnSync(command, args, { maxBuffer: 1 << 30 });
  if (r.error) throw new Error(`${command}: ${r.error.message} (${sbcMissing() ?? 'on PATH'})`);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')}: exit ${r.status}: ${r.stderr.toString()}`);
  return r.stdout;
}

/**
 * `x` (at `sampleRate`) through the real codec and back, `x.length` samples. `delaySamples`: the
 * codec's delay taken out, at the codec's rate (default SBC_DELAY_SAMPLES; 0 to measure it).
 */
export function sbcCoded(x: ArrayLike<number>, sampleRate: number, codec: SbcCodec, delaySamples = SBC_DELAY_SAMPLES): Float64Array {
  const s = SBC_CODECS[codec];
  const dir = mkdtempSync(join(os.tmpdir(), 'rtpcm-sbc-'));
  try {
    const input = Float32Array.from(x);
    writeFileSync(join(dir, 'in.f32'), new Uint8Array(input.buffer));
    const raw = (rate: number) => ['-t', 'f32', '-e', 'floating-point', '-r', String(rate), '-c', '1'];
    // to the codec's rate, 16-bit, both channels for joint stereo; a frame and the delay of silence after
    run('sox', [
      '-D',
      ...raw(sampleRate),
      join(dir, 'in.f32'),
      '-t',
      'au',
      '-e',
      'signed-integer',
      '-b',
      '16',
      join(dir, 'up.au'),
      'rate',
      '-v',
      '-b',
      RATE_BANDWIDTH_PERCENT,
      String(s.rateHz),
      'channels',
      s.joint ? '2' : '1',
      'pad',
      '0',
      '0.05',
    ]);
    const decoded = s.coded ? join(dir, 'dec.au') : join(dir, 'up.au');
    const encode = s.msbc ? ['-m'] : ['-s', '8', '-B', String(s.blocks), '-b', String(s.bitpool), ...(s.joint ? ['-j'] : [])];
    if (s.coded) {
      writeFileSync(join(dir, 'coded.sbc'), run('sbcenc', [...encode, join(dir, 'up.au')]));
      run('sbcdec', [...(s.msbc ? ['-m'] : []), '-f', decoded, join(dir, 'coded.sbc')]);
    }
    // the left channel (joint stereo: both the same but for the side's coding noise), the delay out, back to the scene's rate
    const trim = delaySamples > 0 && s.coded ? ['trim', `${delaySamples}s`] : [];
    run('sox', [
      '-D',
      decoded,
      ...raw(sampleRate),
      join(dir, 'out.f32'),
      'remix',
      '1',
      ...trim,
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
 * The codec's delay at its rate, samples: white noise (seeded) at the codec's rate through it with
 * no delay taken out, the lag of the best normalized correlation over 0-400 samples.
 */
export function sbcCodecDelay(codec: SbcCodec): number {
  const rate = SBC_CODECS[codec].rateHz;
  let state = 12345;
  const x = Float64Array.from({ length: rate }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return 0.2 * (state / 2 ** 32 - 0.5);
  });
  const y = sbcCoded(x, rate, codec, 0);
  let best = 0;
  let bestCorr = -1;
  for (let lag = 0; lag <= 400; lag++) {
    let xy = 0;
    let yy = 0;
    let xx = 0;
    for (let t = 1000; t < x.length - 1000; t++) {
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
