#!/usr/bin/env bash
# Sets everything up on a fresh machine and runs the whole test suite against real services:
# installs packages, starts Redis, dockerd, the registry and git daemon (test/env/start.sh),
# installs npm dependencies, runs jest, and ends with one line: `tests: N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash test/env/start.sh
source "${SLIPWAY_STATE:-$HOME/.cache/slipway/state}/env.sh"
stop_stack() { [ "${SLIPWAY_KEEP_STACK:-}" = 1 ] || bash test/env/stop.sh 2>/dev/null; }
trap stop_stack EXIT

# npm ci only when the lockfile changed since the last install.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.slipway-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" >node_modules/.slipway-lock-hash
fi

results="$SLIPWAY_STATE/jest-results.json"
rm -f "$results"
status=0
node --experimental-vm-modules node_modules/jest/bin/jest.js --json --outputFile="$results" "$@" || status=$?
# Stop first, so the summary is the last line printed.
stop_stack
trap - EXIT
node scripts/test-summary.mjs "$results" || status=1
exit "$status"
