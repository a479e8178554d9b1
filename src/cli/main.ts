// The `realtime-pcm` command: inspect | convert | events | play. `runCli` takes the arguments and
// where to write, and returns the exit code (0 ok, 1 a file problem, 2 a usage problem), so it
// runs the same in tests as from the shell.
import { parseArgs } from 'node:util';
import { RealtimePcmError } from '../errors.js';
import { convert, checkRateOption } from './convert.js';
import { events } from './events.js';
import { inspect } from './inspect.js';
import { CliError, type CliIo } from './io.js';
import { play } from './play.js';
import type { SpeakerOptions } from './speaker.js';
import { WavError } from '../wav/wav.js';

export const USAGE = `usage: realtime-pcm <command> ...

  inspect FILE.wav [--json]
      the file's format, and whether a realtime session takes it as it is (24 kHz mono PCM16)
  convert IN.wav OUT.wav [--rate 24000] [--quality high|voice] [--progress]
      to mono PCM16 at --rate (8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 96000)
  events IN.wav [--protocol openai|openai-beta|gemini] [--chunk-ms 40] [--no-vad]
                [--silence-gating] [--commit] [--reference FAR.wav] [--progress]
      the events a session receives for IN.wav as the microphone, as JSON lines on stdout;
      with --reference, the echo of FAR.wav (what the speaker played, from the same instant) removed
  play EVENTS.jsonl OUT.wav [--input] [--no-truncate]
      the assistant's audio in a session log (or, with --input, the microphone's) as a WAV
  play EVENTS.jsonl OUT.wav --speaker [--rate 48000] [--fade-ms 5] [--min-playout-ms 20] [--max-playout-ms 1000]
      what the speaker plays: the server's events at the time each arrived ("received_ms" on a
      line), through the adapter's playback (fades, playout delay, underruns, barge-ins)
`;

const OPTIONS = {
  json: { type: 'boolean' },
  rate: { type: 'string' },
  quality: { type: 'string' },
  progress: { type: 'boolean' },
  protocol: { type: 'string' },
  'chunk-ms': { type: 'string' },
  'no-vad': { type: 'boolean' },
  'silence-gating': { type: 'boolean' },
  commit: { type: 'boolean' },
  reference: { type: 'string' },
  input: { type: 'boolean' },
  'no-truncate': { type: 'boolean' },
  speaker: { type: 'boolean' },
  'fade-ms': { type: 'string' },
  'min-playout-ms': { type: 'string' },
  'max-playout-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ALLOWED: Record<string, string[]> = {
  inspect: ['json'],
  convert: ['rate', 'quality', 'progress'],
  events: ['protocol', 'chunk-ms', 'no-vad', 'silence-gating', 'commit', 'reference', 'progress'],
  play: ['input', 'no-truncate', 'speaker', 'rate', 'fade-ms', 'min-playout-ms', 'max-playout-ms'],
};
const ARITY: Record<string, number> = { inspect: 1, convert: 2, events: 1, play: 2 };

/** A millisecond option of play --speaker, or undefined when not given. */
function msOption(name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms < 0 || ms > max) throw usage(`--${name} ${value}: use 0..${max}`);
  return ms;
}

/** play's --speaker options (undefined without --speaker; the playout ones need it). */
function speakerOptions(values: Record<string, string | boolean | undefined>): SpeakerOptions | undefined {
  const playout = ['rate', 'fade-ms', 'min-playout-ms', 'max-playout-ms'].filter((k) => values[k] !== undefined);
  if (values.speaker !== true) {
    if (playout.length > 0) throw usage(`--${playout[0]} goes with --speaker`);
    return undefined;
  }
  if (values.input === true) throw usage('--speaker plays the assistant audio; --input is the microphone');
  return {
    rate: checkRateOption(values.rate as string | undefined, 48000),
    fadeMs: msOption('fade-ms', values['fade-ms'] as string | undefined, 50),
    minPlayoutMs: msOption('min-playout-ms', values['min-playout-ms'] as string | undefined, 5000),
    maxPlayoutMs: msOption('max-playout-ms', values['max-playout-ms'] as string | undefined, 5000),
  };
}

function usage(message: string): CliError {
  return new CliError('usage', `${message}\n\n${USAGE}`, 2);
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let input: string | undefined;
  try {
    let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
    try {
      parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (error) {
      throw usage((error as Error).message);
    }
    const { values, positionals } = parsed;
    const [command, ...files] = positionals;
    if (values.help === true || command === 'help') {
      io.stdout(USAGE);
      return 0;
    }
    if (command === undefined) throw usage('no command given');
    if (!(command in ARITY)) throw usage(`unknown command ${JSON.stringify(command)}`);
    for (const key of Object.keys(values)) {
      if (key !== 'help' && !ALLOWED[command]!.includes(key)) throw usage(`--${key} is not an option of ${command}`);
    }
    if (files.length !== ARITY[command]) throw usage(`${command} takes ${ARITY[command]} file${ARITY[command] === 1 ? '' : 's'}, got ${files.length}`);
    const [a, b] = files as [string, string];
    input = a;
    switch (command) {
      case 'inspect':
        return inspect(a, { json: values.json === true }, io);
      case 'convert': {
        const quality = values.quality ?? 'high';
        if (quality !== 'high' && quality !== 'voice') throw usage(`--quality ${quality}: use high or voice`);
        return convert(a, b, { rate: checkRateOption(values.rate, 24000), quality, progress: values.progress === true }, io);
      }
      case 'events': {
        const protocol = values.protocol ?? 'openai';
        if (protocol !== 'openai' && protocol !== 'openai-beta' && protocol !== 'gemini')
          throw usage(`--protocol ${protocol}: use openai, openai-beta or gemini`);
        const chunkMs = Number(values['chunk-ms'] ?? 40);
        if (!Number.isFinite(chunkMs) || chunkMs < 10 || chunkMs > 1000) throw usage(`--chunk-ms ${values['chunk-ms']}: use 10..1000`);
        return events(
          a,
          {
            protocol,
            chunkMs,
            vad: values['no-vad'] !== true,
            silenceGating: values['silence-gating'] === true,
            commit: values.commit === true,
            reference: values.reference,
            progress: values.progress === true,
          },
          io,
        );
      }
      default:
        return play(a, b, { input: values.input === true, truncate: values['no-truncate'] !== true, speaker: speakerOptions(values) }, io);
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`realtime-pcm: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof WavError) {
      io.stderr(`realtime-pcm: ${input ?? 'input'}: ${error.message} [${error.code}]\n`);
      return 1;
    }
    if (error instanceof RealtimePcmError) {
      io.stderr(`realtime-pcm: ${error.name} (${error.code}): ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
