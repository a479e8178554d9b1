// `realtime-pcm convert IN.wav OUT.wav --rate 24000`: any readable WAV to mono PCM16 at the given
// rate, through the library's Resampler (delay-compensated: the output lines up with the input,
// and has input x ratio frames) and floatToPcm16 (clamped, rounded).
import { Resampler, SUPPORTED_SAMPLE_RATES } from '../kernels/resampler.js';
import { floatToPcm16 } from '../kernels/pcm16.js';
import { decodeWav, encodeWav } from '../wav/wav.js';
import { CliError, Progress, readInput, writeOutput, type CliIo } from './io.js';

export interface ConvertOptions {
  rate: number;
  quality: 'voice' | 'high';
  progress: boolean;
}

/** Input frames per resampler call (one second at 48 kHz; the progress line moves per call). */
const FRAMES_PER_CALL = 48000;

export function checkRateOption(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const rate = Number(value);
  if (!SUPPORTED_SAMPLE_RATES.includes(rate)) throw new CliError('bad_option', `--rate ${value}: use one of ${SUPPORTED_SAMPLE_RATES.join(', ')}`, 2);
  return rate;
}

export function convert(inPath: string, outPath: string, options: ConvertOptions, io: CliIo): number {
  const { info, samples } = decodeWav(readInput(inPath));
  if (!SUPPORTED_SAMPLE_RATES.includes(info.sampleRate)) {
    throw new CliError('unsupported_rate', `${inPath} is at ${info.sampleRate} Hz; the resampler takes ${SUPPORTED_SAMPLE_RATES.join(', ')} Hz`);
  }
  const progress = new Progress(io, 'converting', samples.length / info.sampleRate, options.progress);
  let output: Float32Array;
  if (info.sampleRate === options.rate) output = samples;
  else {
    const resampler = new Resampler({ inputRate: info.sampleRate, outputRate: options.rate, quality: options.quality });
    const pieces: Float32Array[] = [];
    for (let at = 0; at < samples.length; at += FRAMES_PER_CALL) {
      pieces.push(resampler.process(samples.subarray(at, Math.min(samples.length, at + FRAMES_PER_CALL))));
      progress.update(Math.min(samples.length, at + FRAMES_PER_CALL) / info.sampleRate);
    }
    pieces.push(resampler.flush());
    resampler.free();
    output = new Float32Array(pieces.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const piece of pieces) {
      output.set(piece, at);
      at += piece.length;
    }
  }
  progress.done();
  writeOutput(outPath, encodeWav(floatToPcm16(output), options.rate));
  io.stderr(
    `${inPath} (${info.sampleRate} Hz, ${info.channels} ch, ${info.encoding} ${info.bitsPerSample}-bit) -> ${outPath} (${options.rate} Hz, mono, PCM16): ${output.length} frames, ${(output.length / options.rate).toFixed(3)} s\n`,
  );
  return 0;
}
