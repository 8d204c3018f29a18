#!/usr/bin/env bash
# Sets up, creates a demo staff account if none exists, and starts the counter console
# (with the notifier, so that the citizens' chats get their turn notifications).
set -euo pipefail
export RASA_TELEMETRY_ENABLED=false  # Rasa would send usage data and crash reports to Rasa and Sentry
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-$ROOT/.venv}
CONSOLE_PORT=${CONSOLE_PORT:-8090}
"$ROOT/scripts/setup.sh"
mkdir -p var/log

DEMO=var/demo_staff.txt
if [ ! -f "$DEMO" ]; then
  password=${MPP_DEMO_PASSWORD:-$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(9))')}
  MPP_STAFF_PASSWORD="$password" "$VENV/bin/mpp" staff add petugas.bogor --mpp kota_bogor --agency disdukcapil \
    --counter 1 --name "Petugas Dukcapil Bogor" >/dev/null
  umask 077; printf 'petugas.bogor %s\n' "$password" > "$DEMO"
fi
read -r user password < "$DEMO"
if ! "$VENV/bin/mpp" staff list --mpp kota_bogor | grep -q '^admin.bogor'; then
  MPP_STAFF_PASSWORD="$password" "$VENV/bin/mpp" staff add admin.bogor --role mpp_admin --mpp kota_bogor \
    --name "Admin MPP Bogor" >/dev/null
fi
# A national administrator approves national facts in the catalogue editor and onboards new MPPs.
if ! "$VENV/bin/mpp" staff list | cut -f1 | grep -qx pusat; then
  MPP_STAFF_PASSWORD="$password" "$VENV/bin/mpp" staff add pusat --role national_admin \
    --name "Admin Nasional (demo)" >/dev/null
fi
# The kiosk is an enrolled device: a fresh one-time code at every start (the demo kiosk enrols again).
kiosk_code=$("$VENV/bin/mpp" kiosk add --mpp kota_bogor --name "Anjungan demo" | sed -n 's/.*enrolment code \([A-Z0-9-]*\).*/\1/p')

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
"$ROOT/.venv-edge/bin/python" -m bot.notifier >var/log/notifier.log 2>&1 &
pids+=($!)
echo "==> console:  http://127.0.0.1:$CONSOLE_PORT/   (clerk: $user / $password; MPP admin: admin.bogor, national admin: pusat, same password)"
echo "==> board:    http://127.0.0.1:$CONSOLE_PORT/board/kota_bogor"
echo "==> dashboard: http://127.0.0.1:$CONSOLE_PORT/dasbor   (admin.bogor or pusat; no data yet? run: .venv/bin/mpp demo simulate --days 30)"
echo "==> kiosk:    http://127.0.0.1:$CONSOLE_PORT/kiosk/enrol?code=$kiosk_code   (enrol once, then /kiosk/kota_bogor)"
echo "    (notifier log: var/log/notifier.log; Ctrl-C stops both)"
CONSOLE_PORT=$CONSOLE_PORT "$ROOT/.venv-edge/bin/python" -m console.app
