#!/usr/bin/env bash
# Trains the model when config, domain or training data changed since the last training.
set -euo pipefail
export RASA_TELEMETRY_ENABLED=false  # Rasa would send usage data and crash reports to Rasa and Sentry
cd "$(dirname "$0")/.."
VENV=${VENV:-$PWD/.venv}
MODEL=models/asisten.tar.gz
digest=$(cat config.yml domain.yml $(find data/nlu data/rules data/stories -type f | sort) nlu/*.py nlu/lexicon/* | sha256sum | cut -c1-16)
if [ -f "$MODEL" ] && [ "$(cat models/.digest 2>/dev/null)" = "$digest" ]; then
  echo "==> model is up to date ($MODEL)"
  exit 0
fi
echo "==> training the model (this takes a minute or two)"
mkdir -p models
start=$(date +%s)
# Rasa 3.6's training cache can hand a LogisticRegressionClassifier file to a node of
# another name after a config change (FileNotFoundError at load); training takes ~30 s anyway.
export RASA_MAX_CACHE_SIZE=0
"$VENV/bin/rasa" train --fixed-model-name asisten --out models --quiet
echo "$digest" > models/.digest
echo "==> trained in $(( $(date +%s) - start )) s: $MODEL ($(du -h "$MODEL" | cut -f1))"
