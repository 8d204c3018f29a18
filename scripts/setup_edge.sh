#!/usr/bin/env bash
# .venv-edge: the environment of the public-facing processes (gateway, notifier, console), which
# import no Rasa and so can have a current aiohttp (deploy/requirements-edge.txt says why).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
EDGE=${EDGE_VENV:-$ROOT/.venv-edge}
PY=${PYTHON:-$ROOT/.venv/bin/python}
stamp="$EDGE/.installed-$(cat deploy/requirements-edge.txt pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  [ -x "$EDGE/bin/python" ] || "$PY" -m venv "$EDGE"
  echo "==> installing the edge environment ($EDGE: gateway, notifier, console; no Rasa)"
  "$EDGE/bin/pip" install -q --upgrade pip setuptools wheel
  "$EDGE/bin/pip" install -q -r deploy/requirements-edge.txt
  "$EDGE/bin/pip" install -q --no-deps -e .
  # the project itself declares Rasa (for the main environment): only the others must be consistent
  broken=$("$EDGE/bin/pip" check 2>&1 | grep -v -e '^asisten-mpp ' -e '^No broken' || true)
  if [ -n "$broken" ]; then echo "$broken" >&2; exit 1; fi
  rm -f "$EDGE"/.installed-*
  touch "$stamp"
fi
