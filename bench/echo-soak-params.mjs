// The long soak's run (bench/echo-soak.bench.mjs) as the replay scripts draw it again (echo-soak-window,
// echo-soak-state, echo-soak-fixture): its params from the environment, and the segments a replay kept in
// ECHO_SOAK_CACHE. ECHO_SOAK_RATE (Hz, 16000), ECHO_SOAK_DRIFT_PPM (100), ECHO_SOAK_HOURS (24: the run's length,
// which sets its schedule; a week is 168), ECHO_SOAK_ROOMS=a,b (another round of rooms; aec-soakhist17).
import { existsSync, readFileSync } from 'node:fs';
import v8 from 'node:v8';

/** @param {any} lab the bundled test helpers (echo-soak) */
export function soakParams(lab) {
  return {
    sampleRate: Number(process.env.ECHO_SOAK_RATE ?? 16000),
    driftPpm: Number(process.env.ECHO_SOAK_DRIFT_PPM ?? 100),
    seconds: Number(process.env.ECHO_SOAK_HOURS ?? 24) * 3600,
    rooms: process.env.ECHO_SOAK_ROOMS?.split(',') ?? lab.SOAK_ROOMS,
    erlDb: 18,
    delayMs: 60,
    seed: 1,
  };
}

/**
 * The segments kept in ECHO_SOAK_CACHE (v8 serialized by echo-soak-window), or undefined when it is unset or absent.
 * @param {ReturnType<typeof soakParams>} params the run's: a cache of another run's segments throws
 * @returns {any[] | undefined}
 */
export function cachedSegments(params) {
  const cache = process.env.ECHO_SOAK_CACHE;
  if (!cache || !existsSync(cache)) return undefined;
  const saved = v8.deserialize(readFileSync(cache));
  if (JSON.stringify(saved.params) !== JSON.stringify(params)) throw new Error(`${cache} holds another run's segments`);
  return saved.segments;
}
