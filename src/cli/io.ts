// What every CLI command shares: reading files with clear errors, writing output, the progress line.
import { readFileSync, writeFileSync } from 'node:fs';
import { RealtimePcmError } from '../errors.js';

/** A CLI failure the user can act on: printed as `realtime-pcm: <message>`, exit code `exitCode`. */
export class CliError extends RealtimePcmError {
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode = 1) {
    super(code, message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Where a command writes: stdout for results, stderr for progress and summaries. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (the progress line appears by itself on long files then). */
  stderrIsTTY: boolean;
}

export function readInput(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String((error as Error).message);
    throw new CliError('unreadable', `cannot read ${path}: ${why}`);
  }
}

export function writeOutput(path: string, bytes: Uint8Array): void {
  try {
    writeFileSync(path, bytes);
  } catch (error) {
    throw new CliError('unwritable', `cannot write ${path}: ${(error as Error).message}`);
  }
}

/** Audio longer than this shows a progress line by itself when stderr is a terminal. */
export const PROGRESS_AFTER_SECONDS = 30;

/**
 * A one-line progress report on stderr (`\r`-rewritten), shown when forced or when the audio is
 * long and stderr is a terminal; updated at most every 5%.
 */
export class Progress {
  private lastStep = -1;
  private readonly on: boolean;
  constructor(
    private readonly io: CliIo,
    private readonly label: string,
    private readonly totalSeconds: number,
    forced: boolean,
  ) {
    this.on = forced || (io.stderrIsTTY && totalSeconds > PROGRESS_AFTER_SECONDS);
  }
  update(doneSeconds: number): void {
    if (!this.on) return;
    const step = Math.floor((doneSeconds / Math.max(this.totalSeconds, 1e-9)) * 20);
    if (step === this.lastStep) return;
    this.lastStep = step;
    const percent = Math.min(100, Math.round((doneSeconds / Math.max(this.totalSeconds, 1e-9)) * 100));
    this.io.stderr(`\r${this.label}: ${percent}% (${doneSeconds.toFixed(1)} of ${this.totalSeconds.toFixed(1)} s)`);
  }
  done(): void {
    if (!this.on) return;
    this.lastStep = -1;
    this.update(this.totalSeconds);
    this.io.stderr('\n');
  }
}
