#!/usr/bin/env bash
# The whole test suite, as the README and CI run it: dependencies, lint (style included),
# type check, then every vitest suite (unit and integration against real servers).
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci
bash scripts/ensure-test-deps.sh
echo "== lint" && npx eslint .
echo "== typecheck" && npx tsc --noEmit
echo "== tests" && npx vitest run "$@"
