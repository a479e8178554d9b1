// `realtime-pcm inspect FILE.wav`: the file's format, and whether it can go to a realtime session
// as it is (OpenAI Realtime: 24 kHz mono PCM16; G.711 8 kHz for audio/pcmu and audio/pcma
// sessions; Gemini Live input: 16 kHz mono PCM16), with the command that makes it ready if not.
import { basename, extname } from 'node:path';
import { parseWav, type WavInfo } from '../wav/wav.js';
import { readInput, type CliIo } from './io.js';

export interface Readiness {
  ready: boolean;
  /** Why not, one line each. */
  problems: string[];
  /** What to run instead, when not ready. */
  fix: string | undefined;
  /** Other sessions that take the file as it is. */
  alsoReadyFor: string[];
}

const describeEncoding = (info: WavInfo) =>
  info.encoding === 'pcm'
    ? `PCM ${info.bitsPerSample}-bit`
    : info.encoding === 'float'
      ? `IEEE float ${info.bitsPerSample}-bit`
      : info.encoding === 'mulaw'
        ? 'G.711 mu-law'
        : 'G.711 A-law';

export function readiness(info: WavInfo, path: string): Readiness {
  const problems: string[] = [];
  if (info.sampleRate !== 24000) problems.push(`sample rate ${info.sampleRate} Hz: the session takes 24000 Hz`);
  if (info.channels !== 1) problems.push(`${info.channels} channels: the session takes mono`);
  if (!(info.encoding === 'pcm' && info.bitsPerSample === 16)) problems.push(`${describeEncoding(info)}: the session takes 16-bit PCM`);
  const alsoReadyFor: string[] = [];
  if (info.channels === 1 && info.sampleRate === 8000 && info.encoding === 'mulaw') alsoReadyFor.push("OpenAI Realtime with format { type: 'audio/pcmu' }");
  if (info.channels === 1 && info.sampleRate === 8000 && info.encoding === 'alaw') alsoReadyFor.push("OpenAI Realtime with format { type: 'audio/pcma' }");
  if (info.channels === 1 && info.sampleRate === 16000 && info.encoding === 'pcm' && info.bitsPerSample === 16)
    alsoReadyFor.push('Gemini Live input (audio/pcm;rate=16000)');
  const out = `${basename(path, extname(path))}-24k.wav`;
  return { ready: problems.length === 0, problems, fix: problems.length === 0 ? undefined : `realtime-pcm convert ${path} ${out} --rate 24000`, alsoReadyFor };
}

export function inspect(path: string, options: { json: boolean }, io: CliIo): number {
  const { info } = parseWav(readInput(path));
  const ready = readiness(info, path);
  if (options.json) {
    io.stdout(`${JSON.stringify({ file: path, ...info, ...ready })}\n`);
    return 0;
  }
  const lines = [
    path,
    `  format:   ${describeEncoding(info)}${info.extensible ? ' (WAVE_FORMAT_EXTENSIBLE)' : ''}, ${info.sampleRate} Hz, ${info.channels === 1 ? 'mono' : `${info.channels} channels`}`,
    `  duration: ${(info.durationMs / 1000).toFixed(3)} s (${info.frames} frames, ${info.dataBytes} bytes of audio)`,
  ];
  for (const warning of info.warnings) lines.push(`  warning:  ${warning}`);
  if (ready.ready) lines.push('  realtime session: ready (24 kHz mono PCM16, as input_audio_buffer.append takes it)');
  else {
    lines.push('  realtime session: not ready (it takes 24 kHz mono PCM16)');
    for (const problem of ready.problems) lines.push(`    - ${problem}`);
    lines.push(`  to fix:   ${ready.fix}`);
  }
  for (const other of ready.alsoReadyFor) lines.push(`  also ready for: ${other}`);
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
