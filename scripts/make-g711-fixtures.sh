#!/usr/bin/env bash
# Regenerates fixtures/g711/: sox's own G.711 conversions, the independent reference the G.711
# kernel tests compare with (test/unit/g711.test.ts). Needs sox 14.4 and the Debian package
# asterisk-core-sounds-en-wav (speech prompts at 8 kHz, CC BY-SA 3.0, Digium/Allison Smith).
# -D turns sox's dither off: dither would add noise before companding.
set -euo pipefail
cd "$(dirname "$0")/../fixtures/g711"
# Every int16 value once, ascending from -32768 (128 KiB, not committed: the test builds it).
node -e 'const b=Buffer.alloc(131072);for(let i=0;i<65536;i++)b.writeInt16LE(i-32768,2*i);process.stdout.write(b)' > /tmp/g711-ramp.s16
sox -D -t raw -r 8000 -e signed -b 16 -c 1 /tmp/g711-ramp.s16 -t raw -e u-law -b 8 ramp.ul
sox -D -t raw -r 8000 -e signed -b 16 -c 1 /tmp/g711-ramp.s16 -t raw -e a-law -b 8 ramp.al
# Every code once, 0..255, decoded by sox to int16 little-endian.
node -e 'const b=Buffer.alloc(256);for(let i=0;i<256;i++)b[i]=i;process.stdout.write(b)' > /tmp/g711-codes.u8
sox -t raw -r 8000 -e u-law -b 8 -c 1 /tmp/g711-codes.u8 -t raw -e signed -b 16 codes-ulaw.s16
sox -t raw -r 8000 -e a-law -b 8 -c 1 /tmp/g711-codes.u8 -t raw -e signed -b 16 codes-alaw.s16
# Real speech: the "hello world" prompt (8 kHz, 1.4 s), and sox's mu-law and A-law of it.
SPEECH=/usr/share/asterisk/sounds/en/hello-world.wav
sox -D "$SPEECH" -t raw -e signed -b 16 -c 1 hello-world.s16
sox -D "$SPEECH" -t raw -e u-law -b 8 -c 1 hello-world.ul
sox -D "$SPEECH" -t raw -e a-law -b 8 -c 1 hello-world.al
rm -f /tmp/g711-ramp.s16 /tmp/g711-codes.u8
ls -l
