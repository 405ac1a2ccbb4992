#!/usr/bin/env bash
# npm test runs `npm run setup` first, then this: every suite, stopping at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s\n' "$*"; }

step "types (tsc --strict; svelte-check for the widget's components)"
npx tsc --noEmit -p tsconfig.json
npx svelte-check --tsconfig ./tsconfig.json --threshold warning --fail-on-warnings --output human

step "Python lint and types (ruff, mypy)"
.venv/bin/ruff check trainer tests/trainer bench
.venv/bin/mypy

step "build (vite)"
npx vite build --logLevel warn

step "trainer tests (pytest)"
.venv/bin/python -m pytest

step "unit, server and browser tests (vitest; browser suites drive Debian Chromium with playwright-core)"
mkdir -p test-results
npx vitest run
