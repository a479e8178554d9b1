#!/usr/bin/env bash
# Regenerates demo/assets/: the built-in local session's spoken reply, and the speech the demo page
# (and its browser test, as Chromium's fake microphone) can use as the microphone. Needs sox and
# espeak-ng (synthetic speech, no licence restriction on its output).
set -euo pipefail
cd "$(dirname "$0")/../demo/assets"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the reply the local session speaks before playing the user's own turn back: 24 kHz mono PCM16
espeak-ng -v en-us -s 170 -w "$tmp/r.wav" "I heard you. Here is what you said."
sox -D "$tmp/r.wav" -r 24000 -c 1 -b 16 reply-24000.wav rate -v 24000 gain -n -4
# one turn, looped by the fake microphone: 0.3 s of silence, a sentence, 2.7 s of silence, so the
# session answers in the pause and the next loop's sentence barges in on the reply
espeak-ng -v en-us -s 160 -w "$tmp/a.wav" "Hello, can you hear me?"
sox -D "$tmp/a.wav" -r 48000 -c 1 "$tmp/a48.wav" rate -v 48000
sox -D -n -r 48000 -c 1 "$tmp/s3.wav" trim 0 0.3
sox -D -n -r 48000 -c 1 "$tmp/s27.wav" trim 0 2.7
sox -D "$tmp/s3.wav" "$tmp/a48.wav" "$tmp/s27.wav" -b 16 turn-48000.wav gain -n -3
soxi reply-24000.wav turn-48000.wav | grep -E 'Input File|Sample Rate|Duration'
