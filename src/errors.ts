/** Base class of every error realtime-pcm throws on purpose. `code` is stable; messages may change. */
export class RealtimePcmError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'RealtimePcmError';
    this.code = code;
  }
}

/** Why a base64 text was rejected. */
export type Base64ErrorReason = 'invalid_character' | 'invalid_padding' | 'invalid_length' | 'not_a_string';

/** Thrown by `decodeBase64` on any input that is not canonical RFC 4648 base64. */
export class Base64Error extends RealtimePcmError {
  /** Index (in UTF-16 code units) of the first offending character, or the text length. */
  readonly position: number;
  readonly reason: Base64ErrorReason;
  constructor(reason: Base64ErrorReason, position: number, message: string) {
    super('invalid_base64', message);
    this.name = 'Base64Error';
    this.reason = reason;
    this.position = position;
  }
}

/** Thrown when options given to a constructor are invalid; the message says what is allowed. */
export class OptionsError extends RealtimePcmError {
  constructor(message: string) {
    super('invalid_options', message);
    this.name = 'OptionsError';
  }
}

/** Thrown when the wasm kernels are not usable in this scope (see `ready()`). */
export class WasmLoadError extends RealtimePcmError {
  constructor(message: string) {
    super('wasm_unavailable', message);
    this.name = 'WasmLoadError';
  }
}

/** Throws `buffer_too_small` when a caller's output array cannot hold `samples` samples. */
export function checkOutputLength(output: { length: number }, samples: number, name: string): void {
  if (output.length < samples) {
    throw new RealtimePcmError('buffer_too_small', `${name}: output holds ${output.length} samples, input has ${samples}; pass an output at least as long`);
  }
}

/** Validates a numeric constructor option; throws `OptionsError` saying what `owner` accepts. */
export function checkOptionRange(owner: string, name: string, value: unknown, low: number, high: number, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < low || value > high || (integer && !Number.isInteger(value))) {
    throw new OptionsError(`${owner}: ${name} must be ${integer ? 'an integer' : 'a number'} in ${low}..${high}, got ${String(value)}`);
  }
  return value;
}

/** Any thrown value as plain data that crosses a MessagePort: its `code` (or `fallbackCode`) and message. */
export function errorData(error: unknown, fallbackCode: string): { code: string; message: string } {
  return { code: (error as { code?: string })?.code ?? fallbackCode, message: String((error as Error)?.message ?? error) };
}

/** The error `errorData` described, rebuilt on the other side of a port: an `OptionsError` for invalid options. */
export function errorFromData(data: { code: string; message: string }): RealtimePcmError {
  return data.code === 'invalid_options' ? new OptionsError(data.message) : new RealtimePcmError(data.code, data.message);
}
