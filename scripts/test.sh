#!/usr/bin/env bash
# Sets up and runs the whole test suite: dependency check, lint, types, data validation,
# training (when stale), pytest (unit, integration, NLU regression, end-to-end), test stories.
set -euo pipefail
export RASA_TELEMETRY_ENABLED=false  # Rasa would send usage data and crash reports to Rasa and Sentry
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-$ROOT/.venv}
"$ROOT/scripts/setup.sh"

echo "==> pip check (Rasa's pins intact)"
"$VENV/bin/pip" check
echo "==> ruff"
"$VENV/bin/ruff" check .
echo "==> mypy"
"$VENV/bin/mypy"
echo "==> rasa data validate"
"$VENV/bin/rasa" data validate --fail-on-warnings --quiet
echo "==> pytest"
# Two workers (PYTEST_WORKERS), each file whole on one worker (its module fixtures start once): most
# end-to-end tests wait on servers, so two workers halve the wall time even on two cores. Each worker has
# its own PostgreSQL database and Redis db (tests/conftest.py). PYTEST_WORKERS=0 runs in one process.
"$VENV/bin/python" -m pytest -n "${PYTEST_WORKERS:-2}" --dist loadfile "$@"
echo "==> test stories (rasa test core --fail-on-prediction-errors)"
"$ROOT/scripts/test_stories.sh"
echo "==> all tests passed"
