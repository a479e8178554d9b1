// Option checks shared by the pipelines and adapters: each throws an OptionsError naming the
// option, what it got, and what is allowed.
import { OptionsError } from '../errors.js';

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
