#!/usr/bin/env bash
# Regenerates fixtures/resampler/: inputs and sox's `rate -v` (very high quality) resamplings of
# them, the independent reference test/quality/resampler-sox.test.ts compares the Resampler with.
# Needs sox 14.4, espeak-ng and the Debian package asterisk-core-sounds-en-wav (speech prompts at
# 8 kHz, CC BY-SA 3.0, Digium/Allison Smith). Files are raw float32 little-endian mono (.f32).
# Every input is band-limited (sox `sinc`) below 0.44 x the lower rate of its pair: there both
# resamplers are flat, so they must agree; above 0.45 x the two filters legitimately differ.
set -euo pipefail
cd "$(dirname "$0")/../fixtures/resampler"
F32=(-t raw -e floating-point -b 32 -c 1)
rate() { # rate IN_RATE INPUT OUT_RATE OUTPUT
  sox -D "${F32[@]}" -r "$1" "$2" "${F32[@]}" "$4" rate -v "$3"
}
# 1. Real speech at 8 kHz (the "hello world" prompt, 1.4 s), low-passed at 3.5 kHz; to 24 kHz.
sox -D /usr/share/asterisk/sounds/en/hello-world.wav "${F32[@]}" speech-8000.f32 sinc -a 120 -3500 gain -3
rate 8000 speech-8000.f32 24000 speech-8000-to-24000.f32
# 2. A linear sweep 50 Hz..10.5 kHz at 48 kHz, 1 s; to 24 kHz.
sox -D -n "${F32[@]}" -r 48000 sweep-48000.f32 synth 1 sine 50:10500 gain -6 sinc -a 120 -10500
rate 48000 sweep-48000.f32 24000 sweep-48000-to-24000.f32
# 3. Pink noise at 44.1 kHz, 0.5 s, low-passed at 10.5 kHz; to 24 kHz.
sox -D -R -n "${F32[@]}" -r 44100 noise-44100.f32 synth 0.5 pinknoise gain -10 sinc -a 120 -10500
rate 44100 noise-44100.f32 24000 noise-44100-to-24000.f32
# 4. Synthetic speech (espeak-ng, 22.05 kHz) brought to 24 kHz by sox, low-passed at 7 kHz; to 16 and 48 kHz.
espeak-ng -w /tmp/resampler-espeak.wav "Resampling for realtime speech sessions."
sox -D /tmp/resampler-espeak.wav "${F32[@]}" speech-24000.f32 rate -v 24000 sinc -a 120 -7000 gain -3
rate 24000 speech-24000.f32 16000 speech-24000-to-16000.f32
rate 24000 speech-24000.f32 48000 speech-24000-to-48000.f32
rm -f /tmp/resampler-espeak.wav
ls -l
