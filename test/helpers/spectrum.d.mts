export interface SineFit {
  amplitude: number;
  phase: number;
  offset: number;
  power: number;
  fitPower: number;
  residualPower: number;
}
export function sineFit(signal: ArrayLike<number>, cyclesPerSample: number, start?: number, end?: number): SineFit;
export function meanSquare(signal: ArrayLike<number>, start?: number, end?: number): number;
export function goertzelPower(signal: ArrayLike<number>, cyclesPerSample: number, start?: number, end?: number): number;
export function ratioDb(a: number, b: number): number;
export function tone(frames: number, cyclesPerSample: number, amplitude?: number, phase?: number): Float32Array;
export function powerSpectrum(signal: ArrayLike<number>, start?: number, end?: number): Float64Array;
