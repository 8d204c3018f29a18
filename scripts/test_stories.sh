#!/usr/bin/env bash
# Runs the test stories against the trained model with the action server in the loop.
set -euo pipefail
export RASA_TELEMETRY_ENABLED=false  # Rasa would send usage data and crash reports to Rasa and Sentry
cd "$(dirname "$0")/.."
VENV=${VENV:-$PWD/.venv}
PORT=${TEST_ACTION_PORT:-5155}
mkdir -p var/log results
DB="var/test_stories.db"
rm -f "$DB"
export DATABASE_URL="sqlite:///$PWD/$DB"
export MPP_NOW="2026-11-27T10:00:00+07:00"  # booking stories run against a fixed clock (a Friday)
"$VENV/bin/mpp" db upgrade >/dev/null
"$VENV/bin/mpp" catalogue load >/dev/null
cat > var/endpoints.test.yml <<YAML
action_endpoint:
  url: "http://127.0.0.1:${PORT}/webhook"
  enable_selective_domain: true
  headers:
    X-Action-Token: \${MPP_ACTION_TOKEN}
YAML
SANIC_HOST=127.0.0.1 "$VENV/bin/rasa" run actions --port "$PORT" --actions actions >var/log/actions.test.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  sleep 0.5
done
# through the launcher, which gives Rasa the action server's secret (bot/action_guard.py)
"$VENV/bin/python" -m bot.rasa_launcher test core --stories tests/stories --model models/asisten.tar.gz \
  --endpoints var/endpoints.test.yml --fail-on-prediction-errors --out results/stories --quiet
