#!/usr/bin/env bash
# Sets everything up on a fresh machine and runs the whole test suite against real services:
# installs packages, starts Redis, dockerd, the registry, git daemon and the local cluster
# (control plane, kwok nodes, one real node: test/env/start.sh),
# installs npm dependencies, runs jest, and ends with one line: `tests: N passed, N failed`.
# Extra arguments go to jest (e.g. a path to run one suite).
set -euo pipefail
cd "$(dirname "$0")/.."
source test/env/lib.sh
source scripts/lib.sh

# Leave a stack that was already running (say, from scripts/up.sh) running afterwards.
already_running=false
alive "$SLIPWAY_STATE/redis.pid" && already_running=true
# npm ci and the dashboard's build (a clean clone has neither) run while the stack's Go pieces
# compile: mostly network, then a short burst of CPU.
( ensure_node_modules && ensure_web_build ) >"$SLIPWAY_STATE/npm.log" 2>&1 &
npm_job=$!
# The router and metrics-server build in the background while the first files run (see below).
SLIPWAY_ENV_LATE_SERVICES=1 bash test/env/start.sh
source "$SLIPWAY_STATE/env.sh"
stop_stack() { $already_running || [ "${SLIPWAY_KEEP_STACK:-}" = 1 ] || bash test/env/stop.sh 2>/dev/null; }
trap stop_stack EXIT
wait "$npm_job" || { cat "$SLIPWAY_STATE/npm.log" >&2; die "npm ci or the dashboard build failed (above)"; }
cat "$SLIPWAY_STATE/npm.log" >&2
# Jest runs the files one at a time (they share one dockerd and registry) in its own process,
# and there it keeps every finished file's modules: the heap grew about 20 MB a file, and in a
# 154-file run the heap passed 3 GB and the last third of the files each took 20-60 s more
# than alone (47 min of jest in all). So the files run as SLIPWAY_TEST_SHARDS jest
# processes, one after another (jest's own --shard split), each starting with an empty heap.
shards=${SLIPWAY_TEST_SHARDS:-4}
# The files that need the router or metrics-server (they import test/helpers/late-services.ts,
# which waits for them) run after all others, when the background build is long done. With
# arguments (a path to run one suite), jest picks the files and the helper waits if it must.
late=()
ignore=()
if [ $# -eq 0 ]; then
  mapfile -t late < <(grep -rl --include='*.test.ts' "helpers/late-services.js'" test | sort)
  for file in "${late[@]}"; do ignore+=("--testPathIgnorePatterns=$PWD/$file"); done
fi
rm -f "$SLIPWAY_STATE"/jest-results*.json
results=()
status=0
jest() { node --experimental-vm-modules node_modules/jest/bin/jest.js --passWithNoTests --json --outputFile="${results[-1]}" "$@" || status=$?; }
for shard in $(seq 1 "$shards"); do
  results+=("$SLIPWAY_STATE/jest-results-$shard.json")
  jest --shard="$shard/$shards" "${ignore[@]}" "$@"
done
if [ ${#late[@]} -gt 0 ]; then
  results+=("$SLIPWAY_STATE/jest-results-late.json")
  jest --runTestsByPath "${late[@]}"
fi

# Stop first, so the summary is the last line printed.
stop_stack
trap - EXIT
node scripts/test-summary.mjs "${results[@]}" || status=1
exit "$status"
