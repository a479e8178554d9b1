#!/usr/bin/env bash
# Regenerates fixtures/phone/: sox's own conversions between a phone leg (8 kHz G.711) and a
# realtime session (24 kHz PCM16), the independent reference the phone bridge's transcoding is
# compared with (test/phone/transcode.test.ts). Needs sox 14.4 and fixtures/g711/hello-world.ul
# (made by make-g711-fixtures.sh from the Asterisk prompt, CC BY-SA 3.0, Digium/Allison Smith).
# -D turns sox's dither off (dither would add noise before companding); `rate` is sox's default
# high quality, linear phase (its output is not delayed).
set -euo pipefail
cd "$(dirname "$0")/../fixtures/phone"
G711=../g711
# caller -> session: the mu-law prompt decoded and resampled to 24 kHz PCM16
sox -D -t ul -r 8000 -c 1 "$G711/hello-world.ul" -t s16 -r 24000 caller-24000.s16 rate
# session -> caller: a reply as the local session makes it (that 24 kHz audio, then 200 ms of
# silence), resampled to 8 kHz and companded to mu-law and to A-law
sox -t s16 -r 24000 -c 1 caller-24000.s16 -t s16 /tmp/phone-reply-24000.s16 pad 0 0.2
sox -D -t s16 -r 24000 -c 1 /tmp/phone-reply-24000.s16 -t ul -r 8000 reply-8000.ul rate
sox -D -t s16 -r 24000 -c 1 /tmp/phone-reply-24000.s16 -t al -r 8000 reply-8000.al rate
rm -f /tmp/phone-reply-24000.s16
ls -l
