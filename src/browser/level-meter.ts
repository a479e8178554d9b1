// RMS and peak level over fixed intervals, for meters: fed every render quantum without
// allocating, it reports (through `onLevel`) once per interval. NaN samples are skipped.

export class LevelMeter {
  private count = 0;
  private sum = 0;
  private peak = 0;

  /** `intervalFrames` 0 disables the meter. */
  constructor(
    private readonly intervalFrames: number,
    private readonly onLevel: (rmsDb: number, peakDb: number) => void,
  ) {}

  static fromMs(intervalMs: number, sampleRate: number, onLevel: (rmsDb: number, peakDb: number) => void): LevelMeter {
    return new LevelMeter(intervalMs > 0 ? Math.round((intervalMs * sampleRate) / 1000) : 0, onLevel);
  }

  add(samples: Float32Array): void {
    if (this.intervalFrames === 0) return;
    let sum = this.sum;
    let peak = this.peak;
    for (let i = 0; i < samples.length; i++) {
      const v = samples[i]!;
      if (!Number.isNaN(v)) {
        sum += v * v;
        const a = v < 0 ? -v : v;
        if (a > peak) peak = a;
      }
    }
    this.sum = sum;
    this.peak = peak;
    this.count += samples.length;
    if (this.count >= this.intervalFrames) {
      this.onLevel(10 * Math.log10(Math.max(sum / this.count, 1e-12)), 20 * Math.log10(Math.max(peak, 1e-6)));
      this.sum = 0;
      this.peak = 0;
      this.count = 0;
    }
  }
}
