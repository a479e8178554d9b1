// A line through the echo's summed movement over the summed time of playback, for the clock skew
// (./aec-skew): weighted least squares forgetting over a time constant, its slope (samples of delay
// per second) and the slope's standard error. Fixed memory (line_bytes), no allocation.

@unmanaged export class Line {
  tau: f64; // the movement summed over the observations, samples
  seconds: f64; // their time, s
  w: f64; // exponentially weighted sums of the regression of tau on seconds
  t: f64;
  tt: f64;
  y: f64;
  ty: f64;
  yy: f64;
  slope: f64; // samples per second (0 until two observations)
  error: f64; // its standard error (Infinity until three)
}

export function line_bytes(): usize {
  return (offsetof<Line>() + 15) & ~(<usize>15);
}

export function line_reset(p: usize): void {
  const l = changetype<Line>(p);
  l.tau = l.seconds = l.w = l.t = l.tt = l.y = l.ty = l.yy = l.slope = 0;
  l.error = Infinity;
}

/** The echo moved `dTau` samples over `seconds`; the older observations weigh exp(-seconds / tcS) less. */
export function line_add(p: usize, dTau: f64, seconds: f64, tcS: f64): void {
  const l = changetype<Line>(p);
  l.tau += dTau;
  l.seconds += seconds;
  const keep = Math.exp(-seconds / tcS);
  const t = l.seconds;
  const y = l.tau;
  l.w = keep * l.w + 1;
  l.t = keep * l.t + t;
  l.tt = keep * l.tt + t * t;
  l.y = keep * l.y + y;
  l.ty = keep * l.ty + t * y;
  l.yy = keep * l.yy + y * y;
  // centred sums: the slope, and its standard error from the residuals (W - 2 degrees of freedom)
  const stt = l.tt - l.t * l.t / l.w;
  const sty = l.ty - l.t * l.y / l.w;
  const syy = l.yy - l.y * l.y / l.w;
  if (!(stt > 0)) return;
  l.slope = sty / stt;
  l.error = l.w > 2 ? Math.sqrt(max(0, syy - l.slope * sty) / ((l.w - 2) * stt)) : Infinity;
}

/** Seconds observed since the last reset. */
export function line_seconds(p: usize): f64 {
  return changetype<Line>(p).seconds;
}

export function line_slope(p: usize): f64 {
  return changetype<Line>(p).slope;
}

/** The slope stands `sure` standard errors from 0. */
export function line_sure(p: usize, sure: f64): bool {
  const l = changetype<Line>(p);
  return Math.abs(l.slope) > sure * l.error;
}
