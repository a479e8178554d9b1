#!/usr/bin/env python3
"""Regenerates assembly/resample-prototypes.ts: the minimax lowpass prototypes of the resampler's
pairs whose prototype runs at R x fLow with R = 2, 3 or 4 (fLow the lower rate; R = L x inputRate
/ fLow): every pair DESIGN.md sets targets for except those between the 44.1 and 48 kHz families,
e.g. 48 -> 24 (R 2), 24 -> 48 (2), 16 -> 24 (3), 24 -> 16 (3), 8 -> 24 (3), 32 -> 24 (4), 96 -> 24 (4).

Each prototype is the shortest odd-length linear-phase FIR that meets its quality's specification
(frequencies in units of fLow), found by linear programming (minimax: minimise the stop band peak
for a given length and pass band tolerance, on a dense grid; then the shortest length that
reaches the target, checked again on a 2^18-point grid with the float32-rounded coefficients):
  high:  |gain - 1| <= 0.0002 dB on [0, 0.40] (agreement with sox's reference below 0.40 fLow),
         <= 0.05 dB on [0.40, 0.45], stop band [0.5, R/2] <= -100 dB - images(R)
  voice: |gain - 1| <= 0.05 dB on [0, 0.42], stop band [0.5, R/2] <= -74 dB - images(R)
images(R) = 10 log10 of the most components of one input tone that pass the stop band at once in a
pair with this R: the L - 1 images of upsampling from fLow (or all L components when the input is
above fLow) land at different output frequencies and their powers add, against a flat stop band.
R 2: 1 (24 -> 48, 48 -> 24), R 3: 2 (16 -> 24, 24 -> 16), R 4: 3 (32 -> 24, 24 -> 32).
A Kaiser-windowed sinc (the 'taps' pairs' design) needs about 30% more length for the same high
targets (span 116 periods of fLow against about 88), because its pass band ripple equals its stop
band ripple.

Needs python3 with numpy and scipy >= 1.6 (Debian: apt-get install python3-scipy). Run from the
repository root: python3 scripts/resampler-prototypes.py (a few minutes).
"""
import sys

import numpy as np
import scipy
from scipy import signal
from scipy.optimize import linprog

RATIOS = [2, 3, 4]
# Most stop band components of one tone at once, per R (see above).
IMAGES = {2: 1, 3: 2, 4: 3}
SPECS = {
    # name: (pass bands as (low, high, tolerance dB), stop band start, stop dB, span range searched)
    "high": ([(0.0, 0.40, 0.0002), (0.40, 0.45, 0.05)], 0.5, 100.0, (70, 110)),
    "voice": ([(0.0, 0.42, 0.05)], 0.5, 74.0, (30, 60)),
}
GRID_PER_COEF = 12
CHECK_POINTS = 1 << 18
# The grid misses the peaks between its points slightly: design to this share of each tolerance.
DESIGN_MARGIN = 0.97


def tolerance(db):
    return 10 ** (db / 20) - 1


def lp_design(n_taps, ratio, bands, stop_from):
    """Minimax: the symmetric FIR of odd length n_taps with the lowest stop band peak within the
    pass band tolerances. Returns (h, stop peak) or (None, None)."""
    half = (n_taps - 1) // 2
    k = np.arange(half + 1)
    nyquist = ratio / 2

    def cosines(freqs):
        c = np.cos(2 * np.pi * np.outer(freqs, k) / ratio)
        c[:, 1:] *= 2
        return c

    rows, bounds_hi, bounds_lo = [], [], []
    for low, high, db in bands:
        f = np.linspace(low, high, int(GRID_PER_COEF * half * (high - low) / nyquist) + 40)
        c = cosines(f)
        rows.append(c)
        bounds_hi.append(np.full(len(f), 1 + DESIGN_MARGIN * tolerance(db)))
        bounds_lo.append(np.full(len(f), 1 - DESIGN_MARGIN * tolerance(db)))
    cp = np.vstack(rows)
    fs = np.linspace(stop_from, nyquist, int(GRID_PER_COEF * half * (nyquist - stop_from) / nyquist) + 40)
    cs = cosines(fs)
    zp = np.zeros((len(cp), 1))
    ones = np.ones((len(cs), 1))
    a_ub = np.vstack([np.hstack([cp, zp]), np.hstack([-cp, zp]), np.hstack([cs, -ones]), np.hstack([-cs, -ones])])
    b_ub = np.concatenate([np.concatenate(bounds_hi), -np.concatenate(bounds_lo), np.zeros(2 * len(cs))])
    cost = np.zeros(half + 2)
    cost[-1] = 1
    result = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=[(None, None)] * (half + 1) + [(0, None)], method="highs")
    if result.status != 0:
        return None, None
    a = result.x[:-1]
    return np.concatenate([a[:0:-1], a]), 20 * np.log10(max(result.x[-1], 1e-30))


def measure(h, ratio, bands, stop_from):
    """Pass band deviation per band (dB) and stop band peak (dB) on a dense grid."""
    w, response = signal.freqz(h, worN=CHECK_POINTS, fs=ratio)
    gain = np.abs(response)
    passes = []
    for low, high, _ in bands:
        g = gain[(w >= low) & (w <= high)]
        passes.append((20 * np.log10(g.min()), 20 * np.log10(g.max())))
    return passes, 20 * np.log10(gain[w >= stop_from].max())


def stop_target(ratio, spec):
    return spec[2] + 10 * np.log10(IMAGES[ratio])


def meets(h, ratio, spec):
    bands, stop_from, _, _ = spec
    stop_db = stop_target(ratio, spec)
    passes, stop = measure(h, ratio, bands, stop_from)
    ok = stop <= -stop_db and all(lo >= -db and hi <= db for (lo, hi), (_, _, db) in zip(passes, bands))
    return ok, passes, stop


def shortest(ratio, spec):
    bands, stop_from, _, (span_lo, span_hi) = spec
    lo, hi = int(span_lo * ratio) | 1, int(span_hi * ratio) | 1
    best = None
    while hi - lo > 2:
        mid = ((lo + hi) // 2) | 1
        h, _ = lp_design(mid, ratio, bands, stop_from)
        if h is not None and meets(h.astype(np.float32).astype(np.float64), ratio, spec)[0]:
            hi, best = mid, h
        else:
            lo = mid
    if best is None:
        best, _ = lp_design(hi, ratio, bands, stop_from)
    return hi, best


def main():
    out = []
    summary = []
    for name, spec in SPECS.items():
        for ratio in RATIOS:
            n_taps, h = shortest(ratio, spec)
            h32 = h.astype(np.float32)
            ok, passes, stop = meets(h32.astype(np.float64), ratio, spec)
            if not ok:
                sys.exit(f"{name} R={ratio}: no design met the specification")
            pass_text = ", ".join(f"{lo:+.4f}..{hi:+.4f} dB to {b[1]:.2f}" for (lo, hi), b in zip(passes, spec[0]))
            summary.append(
                f"//   {name:5} R={ratio} N={n_taps:<3} (span {n_taps / ratio:.1f} periods of fLow): {pass_text}; stop {stop:.1f} dB"
                f" (target {-stop_target(ratio, spec):.1f})"
            )
            values = ", ".join(f"{float(v):.9g}" for v in h32[: (n_taps + 1) // 2])
            out.append((name, ratio, n_taps, values))
    lines = [
        "// GENERATED by scripts/resampler-prototypes.py: do not edit (regenerate and review the diff).",
        f"// Generator: linear-programming minimax design (scipy {scipy.__version__}, HiGHS), see the script's",
        "// docstring for the specifications. Each table holds the first (N + 1) / 2 coefficients of a",
        "// symmetric prototype of odd length N (float32, DC gain 1) sampled at R x fLow; the wrapper",
        "// (src/kernels/resampler-design.ts) mirrors it, scales it by L and lays out the polyphase rows.",
        "// Measured on a 2^18-point grid with these float32 coefficients:",
        *summary,
        "",
    ]
    for name, ratio, n_taps, values in out:
        lines.append(f"const {name.upper()}_{ratio} = memory.data<f32>([{values}]);")
    lines += [
        "",
        "/** Prototype table for a quality (0 'high', 1 'voice') and R; 0 if there is none. */",
        "export function rs_prototype(quality: i32, ratio: i32): usize {",
    ]
    for name, ratio, _, _ in out:
        q = list(SPECS).index(name)
        lines.append(f"  if (quality == {q} && ratio == {ratio}) return {name.upper()}_{ratio};")
    lines += ["  return 0;", "}", "", "/** Its prototype length N (odd). */", "export function rs_prototype_length(quality: i32, ratio: i32): i32 {"]
    for name, ratio, n_taps, _ in out:
        q = list(SPECS).index(name)
        lines.append(f"  if (quality == {q} && ratio == {ratio}) return {n_taps};")
    lines += ["  return 0;", "}", ""]
    with open("assembly/resample-prototypes.ts", "w") as f:
        f.write("\n".join(lines))
    print("\n".join(summary))


if __name__ == "__main__":
    main()
