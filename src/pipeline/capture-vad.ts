// The capture pipeline's VAD stage: what it needs of a VAD, and the VAD made from the `vad` option
// (true, EnergyVad options, or an instance at the output rate).
import { EnergyVad, type EnergyVadOptions } from '../kernels/vad.js';
import { OptionsError } from '../errors.js';

/** The VAD stage (an `EnergyVad` fits); run at the output rate. */
export interface CaptureVad {
  readonly sampleRate: number;
  readonly speaking: boolean;
  readonly prefixPaddingMs?: number;
  processInto(samples: Float32Array, eventTypes: Uint8Array, eventTimesMs: Float64Array, frameDecisions?: Uint8Array, start?: number, end?: number): number;
  reset(): void;
  free?(): void;
}

/** The VAD from the `vad` option, or undefined when it is off (an instance is used as it is). */
export function makeVad(option: boolean | Omit<EnergyVadOptions, 'sampleRate'> | CaptureVad | undefined, outputRate: number): CaptureVad | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return new EnergyVad({ sampleRate: outputRate });
  if (option === null || typeof option !== 'object') {
    throw new OptionsError(`vad must be true, EnergyVad options or an EnergyVad at sampleRate ${outputRate}, got ${String(option)}`);
  }
  if (typeof (option as CaptureVad).processInto === 'function') {
    const vad = option as CaptureVad;
    if (vad.sampleRate !== outputRate) {
      throw new OptionsError(`the VAD runs at the output rate: construct it with sampleRate ${outputRate}, not ${vad.sampleRate}`);
    }
    return vad;
  }
  return new EnergyVad({ ...(option as Omit<EnergyVadOptions, 'sampleRate'>), sampleRate: outputRate });
}
