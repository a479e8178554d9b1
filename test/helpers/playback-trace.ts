// Runs an arrival trace (fixtures/playback/traces) through a PlaybackPipeline, quantum by quantum,
// as an audio callback would: the trace's events due by a quantum's start are applied first
// (audio -> pushPcm16, done -> endItem, barge_in -> interrupt), then the quantum is read. Each
// item is filled from a source (a tone or speech, read cyclically from an offset per item).
//
// Beside the output it keeps what the figures need, from the pipeline's public counters only:
// - the transitions: quanta where item audio starts, stops, changes item, or is interrupted;
// - the added latency of every frame played: its play time against the greedy player's, the
//   player with no delay at all (it plays each frame as soon as it is there and the frame before
//   it has played: the earliest any in-order realtime player can). Times have the resolution of
//   one quantum (128 frames, 2.7 ms at 48 kHz) for both players;
// - underruns per item.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlaybackPipeline, type PlaybackInterruption, type PlaybackPipelineOptions, type PlaybackStats } from '../../src/index.js';
import { REPO_ROOT } from './browser.js';
import { readWav } from './wav-read.js';
import { arrivalQuantum } from '../../src/cli/speaker.js';

export const QUANTUM = 128;
export const TRACE_NAMES = ['steady', 'openai', 'gemini', 'jitter'] as const;
export type TraceName = (typeof TRACE_NAMES)[number];

export interface TraceEvent {
  atMs: number;
  type: 'response' | 'audio' | 'done' | 'barge_in';
  itemId?: string;
  frames?: number;
}

export interface Trace {
  name: string;
  description: string;
  sessionRate: number;
  responses: number;
  events: TraceEvent[];
}

export function loadTrace(name: TraceName): Trace {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'fixtures', 'playback', 'traces', `${name}.json`), 'utf8'));
}

/** 440 Hz at 0.436 (the tone), 6 s at 24 kHz: 2640 whole cycles, so it loops without a seam. */
export function toneSource(): Int16Array {
  const out = new Int16Array(144_000);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(0.436 * 32768 * Math.sin((2 * Math.PI * 440 * i) / 24000));
  return out;
}

/** Recorded speech (fixtures/playback/speech-24000.wav, 5.5 s, silent at both ends: it loops without a seam). */
export function speechSource(): Int16Array {
  const samples = readWav(join(REPO_ROOT, 'fixtures', 'playback', 'speech-24000.wav')).samples;
  return Int16Array.from(samples, (x) => Math.round(x * 32768));
}

/** The session audio of one delta: `frames` of `source` from where the item is, cyclically. */
export class ItemAudio {
  private readonly at = new Map<string, number>();
  constructor(private readonly source: Int16Array) {}

  next(itemId: string, frames: number): Int16Array {
    const index = Number(itemId.replace(/\D/g, '')) || 0;
    const start = this.at.get(itemId) ?? Math.round(index * 1.37 * 24000) % this.source.length;
    const out = new Int16Array(frames);
    for (let i = 0; i < frames; i++) out[i] = this.source[(start + i) % this.source.length]!;
    this.at.set(itemId, start + frames);
    return out;
  }
}

/** The quantum before whose read an event at `atMs` is applied (the first that starts at or after it): the CLI's rule. */
export const quantumOf = arrivalQuantum;

/**
 * The trace as a session log for `realtime-pcm play --speaker`: OpenAI GA server events, each line
 * with `received_ms` (its arrival), items filled from `source` as runTrace fills them.
 */
export function traceLog(trace: Trace, source: Int16Array): string {
  const audio = new ItemAudio(source);
  const lines: string[] = [];
  const line = (atMs: number, event: Record<string, unknown>) => lines.push(JSON.stringify({ ...event, received_ms: atMs }));
  for (const e of trace.events) {
    const responseId = `resp_${e.itemId ?? ''}`;
    if (e.type === 'response') {
      line(e.atMs, { type: 'response.created', response: { id: responseId } });
      line(e.atMs, { type: 'response.output_item.added', response_id: responseId, item: { id: e.itemId } });
    } else if (e.type === 'audio') {
      const pcm = audio.next(e.itemId!, e.frames!);
      const delta = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
      line(e.atMs, { type: 'response.output_audio.delta', response_id: responseId, item_id: e.itemId, delta });
    } else if (e.type === 'done') {
      line(e.atMs, { type: 'response.output_audio.done', response_id: responseId, item_id: e.itemId });
    } else {
      line(e.atMs, { type: 'input_audio_buffer.speech_started', audio_start_ms: e.atMs });
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * start: audio starts after silence; stop: audio stops (underrun or item end); item: one item to
 * the next; interrupt: a barge-in; dip: a fade-out that turned back up (audio came just in time).
 */
export type TransitionKind = 'start' | 'stop' | 'item' | 'interrupt' | 'dip';
export interface Transition {
  /** Output frame where the quantum starts. */
  frame: number;
  kind: TransitionKind;
}

export interface TraceRun {
  output: Float32Array;
  sampleRate: number;
  stats: PlaybackStats;
  transitions: Transition[];
  /** Item frames read in each quantum. */
  playedPerQuantum: Int16Array;
  /** Added latency of each frame played (ms), in play order. */
  addedLatencyMs: Float64Array;
  /** Underruns counted while each item was playing. */
  underrunsByItem: Map<string, number>;
  interruptions: PlaybackInterruption[];
  /** Playout delay at the end, ms. */
  playoutDelayMs: number;
}

/** Runs `trace` with items filled from `source` through a pipeline at `sampleRate` with `options`. */
export function runTrace(trace: Trace, source: Int16Array, options: Partial<PlaybackPipelineOptions> = {}, sampleRate = 48000, tailMs = 4000): TraceRun {
  const pipeline = new PlaybackPipeline({ ...options, outputRate: sampleRate });
  const audio = new ItemAudio(source);
  const lastMs = trace.events[trace.events.length - 1]!.atMs;
  const quanta = quantumOf(lastMs + tailMs, sampleRate);
  const output = new Float32Array(quanta * QUANTUM);
  const transitions: Transition[] = [];
  const playedPerQuantum = new Int16Array(quanta);
  const fadedQuanta: number[] = []; // quanta with faded frames and no transition of their own
  const interruptions: PlaybackInterruption[] = [];
  const underrunsByItem = new Map<string, number>();
  // the frames written, in order: items' ranges, and when each frame could have played at the earliest
  const itemStarts: number[] = [];
  const itemIds: string[] = [];
  const greedyAt: number[] = [];
  const latency: number[] = [];
  let written = 0;
  let ours = 0; // next written frame the pipeline plays
  let greedy = 0; // next written frame the greedy player plays
  let event = 0;
  let playedBefore = 0;
  let lastDelta = 0;
  const itemAt = (frame: number) => {
    let i = itemStarts.length - 1;
    while (i > 0 && itemStarts[i]! > frame) i--;
    return i;
  };
  for (let q = 0; q < quanta; q++) {
    let interrupted = false;
    while (event < trace.events.length && quantumOf(trace.events[event]!.atMs, sampleRate) <= q) {
      const e = trace.events[event++]!;
      const before = pipeline.bufferedFrames;
      if (e.type === 'audio') pipeline.pushPcm16(audio.next(e.itemId!, e.frames!), e.itemId!);
      else if (e.type === 'done') pipeline.endItem(e.itemId!);
      else if (e.type === 'barge_in') {
        interruptions.push(pipeline.interrupt());
        interrupted = true;
        ours = written;
        greedy = written;
      }
      const added = pipeline.bufferedFrames - (e.type === 'barge_in' ? 0 : before);
      if (added > 0 && (itemIds.length === 0 || itemIds[itemIds.length - 1] !== e.itemId)) {
        itemStarts.push(written);
        itemIds.push(e.itemId!);
      }
      written += Math.max(0, added);
    }
    // the greedy player: whatever is written and not yet played goes out now
    const g = Math.min(QUANTUM, written - greedy);
    for (let i = 0; i < g; i++) greedyAt[greedy + i] = q * QUANTUM + i;
    greedy += g;
    const underrunsBefore = pipeline.stats.underruns;
    const fadedBefore = pipeline.stats.fadedFrames;
    pipeline.read(output.subarray(q * QUANTUM, (q + 1) * QUANTUM));
    const delta = pipeline.stats.playedFrames - playedBefore;
    playedBefore = pipeline.stats.playedFrames;
    for (let i = 0; i < delta; i++) latency.push(((q * QUANTUM + i - greedyAt[ours + i]!) * 1000) / sampleRate);
    const frame = q * QUANTUM;
    playedPerQuantum[q] = delta;
    if (interrupted) transitions.push({ frame, kind: 'interrupt' });
    const itemChange = delta > 0 && (itemAt(ours) !== itemAt(ours + delta - 1) || (lastDelta > 0 && ours > 0 && itemAt(ours - 1) !== itemAt(ours)));
    if (itemChange) transitions.push({ frame, kind: 'item' });
    else if (delta > 0 && lastDelta === 0) transitions.push({ frame, kind: 'start' });
    else if (lastDelta > 0 && delta < QUANTUM) transitions.push({ frame, kind: 'stop' });
    else if (pipeline.stats.fadedFrames > fadedBefore) fadedQuanta.push(q);
    if (pipeline.stats.underruns > underrunsBefore) {
      const id = itemIds[itemAt(Math.max(0, ours - 1))] ?? '';
      underrunsByItem.set(id, (underrunsByItem.get(id) ?? 0) + pipeline.stats.underruns - underrunsBefore);
    }
    ours += delta;
    lastDelta = delta;
  }
  // a fade away from every other transition is a dip (a fall that came back up): audio came just in time
  const reach = Math.ceil((((options.fadeMs ?? 5) * sampleRate) / 1000 + QUANTUM) / QUANTUM);
  const marked = transitions.map((t) => t.frame / QUANTUM);
  for (const q of fadedQuanta) if (!marked.some((m) => Math.abs(m - q) <= reach)) transitions.push({ frame: q * QUANTUM, kind: 'dip' });
  transitions.sort((a, b) => a.frame - b.frame);
  return {
    output,
    sampleRate,
    stats: { ...pipeline.stats },
    transitions,
    playedPerQuantum,
    addedLatencyMs: Float64Array.from(latency),
    underrunsByItem,
    interruptions,
    playoutDelayMs: pipeline.playoutDelayMs,
  };
}
