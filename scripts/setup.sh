#!/usr/bin/env bash
# npm run setup — make this checkout ready to build, test and serve. Idempotent: each
# step is skipped when what it would produce is already there and up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

# onnxruntime-node's install step would download CUDA binaries from outside the registries.
export ONNXRUNTIME_NODE_INSTALL_CUDA=skip
PYTHON=${PYTHON:-python3}
VENV=.venv
log() { printf '[setup] %s\n' "$*"; }
stamp_matches() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

started=$SECONDS

# 1. Debian packages: Chromium for the browser tests and benchmarks (Playwright's own download cannot
#    work here); PostgreSQL's server programs for the PostgreSQL round-store tests, which start a
#    throwaway cluster of their own (the packaged cluster is not used).
apt_missing=()
[ -x /usr/bin/chromium ] || apt_missing+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || apt_missing+=(postgresql)
if [ ${#apt_missing[@]} -gt 0 ]; then
  log "installing Debian ${apt_missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

# 2. npm dependencies exactly as locked.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if ! stamp_matches node_modules/.privet-lock.sha256 "$lock_sum"; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.privet-lock.sha256
fi

# 3. Project-local Python environment for the trainer and its tests.
req_sum=$(sha256sum trainer/requirements.txt | cut -d' ' -f1)
if ! stamp_matches "$VENV/.privet-requirements.sha256" "$req_sum"; then
  log "creating $VENV (PyTorch and friends: a few minutes on a fresh machine)"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r trainer/requirements.txt
  echo "$req_sum" > "$VENV/.privet-requirements.sha256"
fi

# 4. The exported model (a build output, never committed).
if ! "$VENV/bin/python" -m trainer.check_models --models-dir models >/dev/null 2>&1; then
  log "exporting the encoder to models/"
  "$VENV/bin/python" -m trainer.export --models-dir models
fi

# 5. The demo catalogue embedded with the current model (server-side, onnxruntime-node).
npm run -s index-catalog -- public/catalog/demo-catalog.json --name demo
# 6. Its intent head, trained on catalogue text by the Python trainer.
"$VENV/bin/python" -m trainer.catalog_intents --catalog public/catalog/demo-catalog.json --name demo
# 7. Its ranker: the text prior until the store has order data (trainer/recsys/publish_ranker.py).
"$VENV/bin/python" -m trainer.recsys.publish_ranker --name demo

# 8. The developer page's catalogue (GET /developer): Amazon Scientific, only where the research
#    dataset is present. Research-only licence: the feed stays in .cache/ and its item matrix and
#    ranker in models/, both gitignored. A stamp skips the embedding when nothing changed.
scientific=${PRIVET_DATASETS:-../shared/datasets}/amazon_scientific_unisrec
if [ -f "$scientific/Scientific.text" ]; then
  "$VENV/bin/python" -m trainer.dev_catalog --dataset "$scientific" --name scientific --out .cache/dev-catalogs/scientific.json \
    || log "WARNING: the Scientific developer catalogue was not published; /developer stays off"
fi

log "ready in $((SECONDS - started)) s"
