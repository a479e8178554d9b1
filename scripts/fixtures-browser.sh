#!/usr/bin/env bash
# Regenerates fixtures/browser/: speech at the rates browsers run their contexts at, for the
# AudioWorklet tests (rendered through an OfflineAudioContext, and fed to Chromium's fake
# microphone). Needs sox and espeak-ng; the second sentence is a real recorded prompt from the
# Debian package asterisk-core-sounds-en-wav (Digium, CC BY-SA 3.0).
set -euo pipefail
cd "$(dirname "$0")/../fixtures/browser"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
espeak-ng -v en-us -s 160 -w "$tmp/a.wav" "Hello, can you hear me?"
sox -D "$tmp/a.wav" -r 48000 -c 1 "$tmp/a48.wav" rate -v 48000
sox -D /usr/share/asterisk/sounds/en/hello-world.wav -r 48000 -c 1 "$tmp/b48.wav" rate -v 48000
# 0.3 s of silence, the synthetic sentence, 0.5 s of silence, the recorded prompt, 0.5 s of silence
sox -D -n -r 48000 -c 1 "$tmp/s3.wav" trim 0 0.3
sox -D -n -r 48000 -c 1 "$tmp/s5.wav" trim 0 0.5
sox -D "$tmp/s3.wav" "$tmp/a48.wav" "$tmp/s5.wav" "$tmp/b48.wav" "$tmp/s5.wav" -b 16 speech-48000.wav gain -n -3
sox -D speech-48000.wav -b 16 speech-44100.wav rate -v 44100
soxi speech-48000.wav speech-44100.wav | grep -E 'Input File|Sample Rate|Duration'
