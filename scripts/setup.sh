#!/usr/bin/env bash
# Sets everything up on the embedded default: venv (Python 3.10), install, migrate,
# load the demo catalogue, train the model when it is stale. Safe to run again.
set -euo pipefail
export RASA_TELEMETRY_ENABLED=false  # Rasa would send usage data and crash reports to Rasa and Sentry
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-$ROOT/.venv}

find_python() {
  for candidate in "${PYTHON:-}" python3.10 "$HOME/.pyenv/versions/3.10"*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    local v; v=$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10' | tail -n1 || true)
    if [ -n "$v" ]; then echo "$(pyenv root)/versions/$v/bin/python3.10"; return 0; fi
  fi
  return 1
}

if [ ! -x "$VENV/bin/python" ]; then
  PY=$(find_python) || { echo "error: Python 3.10 is needed (Rasa 3.6 supports 3.8-3.10). Install it, or set PYTHON=/path/to/python3.10." >&2; exit 1; }
  echo "==> creating $VENV with $PY"
  "$PY" -m venv "$VENV"
fi

stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "==> installing dependencies (one resolution with Rasa's pins)"
  "$VENV/bin/pip" install -q --upgrade pip setuptools wheel
  "$VENV/bin/pip" install -q -e '.[dev]'
  "$VENV/bin/pip" check
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi

# the public-facing processes' environment (current aiohttp, no Rasa): README, Production
"$ROOT/scripts/setup_edge.sh"

echo "==> migrating the database"
"$VENV/bin/mpp" db upgrade
echo "==> loading the catalogue"
"$VENV/bin/mpp" catalogue load

"$ROOT/scripts/train.sh"
