// The canceller's speed case (bench/aec-playing.mjs, bench/aec-state-probe.mjs): one second of a
// reply playing (white bursts, loud and quiet by turns every 100 ms) and the mic hearing it 60 ms
// later at -12 dB, a near end (a 220 Hz tone) talking in the first half of the second and pausing
// in the second, and the mic's noise (0.01 white). Seeded: the same samples every run.

/** One second of the reference and the mic at `rate`. @param {number} rate */
export function playingSignals(rate) {
  let x = 7;
  const next = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) / 16777216;
  };
  const reference = new Float32Array(rate);
  const mic = new Float32Array(rate);
  const delay = Math.round(0.06 * rate);
  for (let i = 0; i < rate; i++) reference[i] = (Math.floor(i / (rate / 10)) % 2 === 0 ? 0.2 : 0.02) * (2 * next() - 1);
  for (let i = 0; i < rate; i++)
    mic[i] =
      (i >= delay ? 0.25 * (reference[i - delay] ?? 0) : 0) + (i < rate / 2 ? 0.1 * Math.sin((2 * Math.PI * 220 * i) / rate) : 0) + 0.01 * (2 * next() - 1);
  return { reference, mic };
}
