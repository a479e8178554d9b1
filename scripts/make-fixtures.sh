#!/usr/bin/env bash
# Regenerates every committed fixture (`npm run fixtures:update`). Needs the Debian packages sox,
# espeak-ng and asterisk-core-sounds-en-wav; the tests themselves need none of them. Review the
# diffs before committing: golden files must only change for a reason.
set -euo pipefail
cd "$(dirname "$0")"
bash fixtures-resampler.sh
node fixtures-speech.mjs
node fixtures-vad-noise.mjs
node echo-rooms.mjs
node echo-speech.mjs
bash make-g711-fixtures.sh
bash make-phone-fixtures.sh
bash fixtures-browser.sh
bash demo-assets.sh
