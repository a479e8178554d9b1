// A short fade-out for audio cut off mid-waveform (a phone carrier's buffer dropped at a barge-in):
// a raised-cosine ramp from 1 to 0 over the samples given, in place on PCM16. Over 10 ms at 8 kHz
// (80 samples) its spectrum falls off fast enough that the cut is heard as an end, not a click.
// Kept small and separate so that the playback fades (issue 15) can replace it.

/** Fades `pcm` out in place: sample i of n is scaled by (1 + cos(pi (i + 0.5) / n)) / 2, rounded. */
export function fadeOutPcm16(pcm: Int16Array): void {
  const n = pcm.length;
  for (let i = 0; i < n; i++) pcm[i] = Math.round(pcm[i]! * 0.5 * (1 + Math.cos((Math.PI * (i + 0.5)) / n)));
}
