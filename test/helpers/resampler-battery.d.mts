export interface QualityFigures {
  inputRate: number;
  outputRate: number;
  passband: number;
  passMinDb: number;
  passMaxDb: number;
  rejectionDb: number;
  worstHz: number;
  snrDb: number;
}
export interface QualityOptions {
  passband?: number;
  toneCount?: number;
  analysedFrames?: number;
  guardMs?: number;
}
export function batteryTones(inputRate: number, outputRate: number, passband?: number, count?: number): { pass: number[]; reject: number[] };
export function measureQuality(convert: (input: Float32Array) => Float32Array, inputRate: number, outputRate: number, options?: QualityOptions): QualityFigures;
export const TARGET_PAIRS: ReadonlyArray<readonly [number, number]>;
