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

/**
 * A call's turns, seeded: the assistant's replies last 2-6 s and the gaps between them (the user's
 * turn, then the model's latency before the next reply) 1-5 s, each uniform; over `seconds`, the
 * call opening with a gap. An assumption, not a published figure: a spoken assistant's reply of a
 * few sentences and a user's short turn; the assistant's share of the call is then about 4 / (4 + 3)
 * = 57% on average (callSignals returns this call's own share). Returns [start, end) of each reply, s.
 * @param {number} seconds @param {number} [seed]
 * @returns {[number, number][]}
 */
export function callTurns(seconds, seed = 5) {
  let x = seed;
  const next = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) / 16777216;
  };
  /** @type {[number, number][]} */
  const replies = [];
  let t = 1 + 4 * next();
  while (t < seconds) {
    const end = Math.min(seconds, t + 2 + 4 * next());
    replies.push([t, end]);
    t = end + 1 + 4 * next();
  }
  return replies;
}

/**
 * A call at `rate` over `seconds` (callTurns): the reference plays the speed case's bursts (white,
 * 0.2 / 0.02 by turns every 100 ms) in the replies and is exact zeros between them (what the playback
 * path writes while nothing plays); the mic hears it 60 ms later at -12 dB, and the user (the 220 Hz
 * tone) talks in the gaps, half a second on and half off, over the mic's noise (0.01 white).
 * @param {number} rate @param {number} seconds
 */
export function callSignals(rate, seconds) {
  let x = 9;
  const next = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) / 16777216;
  };
  const replies = callTurns(seconds);
  const n = Math.round(rate * seconds);
  const reference = new Float32Array(n);
  const playing = new Uint8Array(n);
  for (const [from, to] of replies) playing.fill(1, Math.round(from * rate), Math.round(to * rate));
  for (let i = 0; i < n; i++) if (playing[i]) reference[i] = (Math.floor(i / (rate / 10)) % 2 === 0 ? 0.2 : 0.02) * (2 * next() - 1);
  const share = replies.reduce((s, [from, to]) => s + to - from, 0) / seconds;
  return { reference, playing, share, replies };
}

/**
 * The mic of a call at `rate` whose speaker played `played` (the same rate): the echo 60 ms later at
 * -12 dB, the user in the gaps (`playing` 0: half a second on, half off), the noise.
 * @param {number} rate @param {Float32Array} played @param {Uint8Array} playing
 */
export function callMic(rate, played, playing) {
  let x = 13;
  const next = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) / 16777216;
  };
  const delay = Math.round(0.06 * rate);
  const mic = new Float32Array(played.length);
  for (let i = 0; i < mic.length; i++) {
    const user = playing[i] === 0 && Math.floor((2 * i) / rate) % 2 === 0 ? 0.1 * Math.sin((2 * Math.PI * 220 * i) / rate) : 0;
    mic[i] = (i >= delay ? 0.25 * (played[i - delay] ?? 0) : 0) + user + 0.01 * (2 * next() - 1);
  }
  return mic;
}
