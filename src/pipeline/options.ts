// Option checks shared by the pipelines and adapters: each throws an OptionsError naming the
// option, what it got, and what is allowed.
import { OptionsError } from '../errors.js';

/** Lowest and highest sample rates the pipelines accept, Hz (the Resampler supports a list of rates in between). */
export const MIN_RATE = 8000;
export const MAX_RATE = 192000;

export function checkRate(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_RATE || value > MAX_RATE) {
    throw new OptionsError(`${name} must be an integer sample rate in Hz from ${MIN_RATE} to ${MAX_RATE}, got ${String(value)}`);
  }
  return value;
}

export function checkNumber(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new OptionsError(`${name} must be a number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

export function checkChoice<T extends string>(name: string, value: unknown, fallback: T, allowed: readonly T[]): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new OptionsError(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${String(value)}`);
  }
  return value as T;
}

export function checkBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new OptionsError(`${name} must be true or false, got ${String(value)}`);
  return value;
}

/**
 * Throws an OptionsError when `options` uses a renamed option (`renamed` maps old name to new),
 * naming the new one: a clear migration rather than an option silently ignored.
 */
export function rejectRenamed(owner: string, options: object, renamed: Readonly<Record<string, string>>): void {
  for (const old of Object.keys(renamed)) {
    if (old in options && (options as Record<string, unknown>)[old] !== undefined) {
      throw new OptionsError(`${owner}: the option ${old} is now called ${renamed[old]}; pass ${renamed[old]} instead`);
    }
  }
}
