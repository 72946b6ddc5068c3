#!/usr/bin/env bash
# Run the whole test suite (real Whisper model, real espeak-ng, real PortAudio devices).
# Sets up what is missing first (scripts/setup.sh --no-run); extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh --no-run
exec .venv/bin/python -m pytest "$@"
