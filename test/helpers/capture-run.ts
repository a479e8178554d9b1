// Feeds a CapturePipeline piece by piece (the pieces' sizes given), with what the speaker played
// over the same span pushed first when a reference is given, then flushes; returns every event.
import type { CaptureEvent, CapturePipeline } from '../../src/pipeline/capture.js';

export function pushInPieces(pipeline: CapturePipeline, input: Float32Array, sizes: number[], reference?: Float32Array): CaptureEvent[] {
  const events: CaptureEvent[] = [];
  let at = 0;
  for (const n of sizes) {
    if (reference !== undefined) pipeline.pushReference(reference.subarray(at, at + n));
    events.push(...pipeline.push(input.subarray(at, at + n)));
    at += n;
  }
  events.push(...pipeline.flush());
  return events;
}
