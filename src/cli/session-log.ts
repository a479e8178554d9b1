// Reading a session log for the CLI: JSON lines, one session event each (client or server, any
// protocol). Anything else is a CliError that names the line.
import { obj } from '../transport/protocol.js';
import { CliError, readInput } from './io.js';

/** One event of a session log and the line it came from. */
export interface LoggedEvent {
  event: Record<string, unknown>;
  line: number;
}

/** The events of a JSON lines session log (a CliError naming the line for anything else; a WAV file is refused). */
export function readLog(inPath: string): LoggedEvent[] {
  const bytes = readInput(inPath);
  if (bytes.length >= 4 && String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF') {
    throw new CliError('not_events', `${inPath} is a WAV file; play takes a JSON lines log of session events (see: realtime-pcm events IN.wav > EVENTS.jsonl)`);
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const events: LoggedEvent[] = [];
  let lineNumber = 0;
  for (const line of text.split('\n')) {
    lineNumber++;
    if (line.trim() === '') continue;
    let event: Record<string, unknown> | undefined;
    try {
      event = obj(JSON.parse(line));
    } catch {
      throw new CliError(
        'bad_event',
        `${inPath}:${lineNumber}: not JSON (${JSON.stringify(line.slice(0, 40))}${line.length > 40 ? '...' : ''}); play takes one JSON event per line`,
      );
    }
    if (event === undefined) throw new CliError('bad_event', `${inPath}:${lineNumber}: not a JSON object`);
    events.push({ event, line: lineNumber });
  }
  if (events.length === 0) throw new CliError('no_events', `${inPath}: no events (expected JSON lines, one session event per line)`);
  return events;
}
