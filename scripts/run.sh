#!/usr/bin/env bash
# Sets up, starts the action server and Rasa (embedded default), opens the terminal chat.
set -euo pipefail
export RASA_TELEMETRY_ENABLED=false  # Rasa would send usage data and crash reports to Rasa and Sentry
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-$ROOT/.venv}
RASA_PORT=${RASA_PORT:-5005}
ACTION_PORT=${ACTION_PORT:-5055}

"$ROOT/scripts/setup.sh"

mkdir -p var/log
cat > var/endpoints.local.yml <<YAML
action_endpoint:
  url: "http://127.0.0.1:${ACTION_PORT}/webhook"
  enable_selective_domain: true
  headers:
    X-Action-Token: \${MPP_ACTION_TOKEN}
YAML

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

echo "==> starting the action server on :$ACTION_PORT (log: var/log/actions.log)"
# 127.0.0.1 only; every call must carry the secret in var/secrets/ (bot/action_guard.py)
SANIC_HOST=127.0.0.1 "$VENV/bin/rasa" run actions --port "$ACTION_PORT" --actions actions >var/log/actions.log 2>&1 &
pids+=($!)
echo "==> starting the notifier (log: var/log/notifier.log): turn notifications appear in this chat"
"$ROOT/.venv-edge/bin/python" -m bot.notifier >var/log/notifier.log 2>&1 &
pids+=($!)
echo "==> starting Rasa on :$RASA_PORT (log: var/log/rasa.log)"
# the launcher gives Rasa its secrets from the environment or var/secrets/, not the command line
"$VENV/bin/python" -m bot.rasa_launcher run --port "$RASA_PORT" --interface 127.0.0.1 --model models/asisten.tar.gz \
  --endpoints var/endpoints.local.yml --credentials credentials.yml >var/log/rasa.log 2>&1 &
pids+=($!)

"$VENV/bin/python" - "$RASA_PORT" <<'PY'
import sys
from bot.terminal import wait_until_ready
ok = wait_until_ready(f"http://127.0.0.1:{sys.argv[1]}", 240)
sys.exit(0 if ok else 1)
PY
echo "==> ready"
"$VENV/bin/python" -m bot.terminal --url "http://127.0.0.1:$RASA_PORT"
