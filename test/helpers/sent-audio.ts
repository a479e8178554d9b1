// The session audio a processor run sent, and how it differs from Node's: for the failure reports of
// test/browser/processors.browser.test.ts and the flake probe test/browser/flake-probe.browser.test.ts.

/** The session audio of a run's events (capture chunks or appends, in order), PCM16. */
export function sentPcm(events: Record<string, unknown>[]): Int16Array {
  const parts = events
    .map((e) => (e.type === 'audio' ? e.base64 : e.type === 'input_audio_buffer.append' ? e.audio : undefined))
    .filter((text): text is string => typeof text === 'string')
    .map((text) => new Int16Array(new Uint8Array(Buffer.from(text, 'base64')).buffer));
  const all = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

/**
 * How a run's session audio (`got`) differs from Node's (`want`), for the failure's report: the first differing
 * sample, how many differ in place and by how much at most (a numeric difference: a few LSB), and
 * the shift (session-rate samples, within 512) that best matches what follows (an engine that
 * dropped or repeated a quantum of the microphone shows as a shift of about 70 at 44.1 kHz).
 */
export function audioDifference(got: Int16Array, want: Int16Array): string {
  const common = Math.min(got.length, want.length);
  let first = 0;
  while (first < common && got[first] === want[first]) first++;
  if (first === common && got.length === want.length) return "the audio equals Node's";
  let differing = 0;
  let maxDiff = 0;
  for (let i = first; i < common; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    if (d > 0) differing++;
    maxDiff = Math.max(maxDiff, d);
  }
  let best = { lag: 0, error: Number.POSITIVE_INFINITY };
  const end = Math.min(got.length, first + 24000);
  for (let lag = -512; lag <= 512; lag++) {
    let error = 0;
    for (let i = first; i < end; i++) error += Math.abs(got[i]! - (want[i - lag] ?? 0));
    if (error < best.error) best = { lag, error };
  }
  const meanError = (best.error / Math.max(end - first, 1)).toFixed(1);
  return `${got.length} samples (Node ${want.length}), first differing at ${first} (${(first / 24).toFixed(1)} ms); ${differing} differ in place, by up to ${maxDiff}; what follows matches Node's best shifted by ${best.lag} samples (mean |error| ${meanError})`;
}
