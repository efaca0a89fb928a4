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
bash test/env/start.sh
source "$SLIPWAY_STATE/env.sh"
stop_stack() { $already_running || [ "${SLIPWAY_KEEP_STACK:-}" = 1 ] || bash test/env/stop.sh 2>/dev/null; }
trap stop_stack EXIT

ensure_node_modules
ensure_web_build
# Jest runs the files one at a time (they share one dockerd and registry) in its own process,
# and there it keeps every finished file's modules: the heap grew about 20 MB a file, and in a
# 154-file run the heap passed 3 GB and the last third of the files each took 20-60 s more
# than alone (47 min of jest in all). So the files run as SLIPWAY_TEST_SHARDS jest
# processes, one after another (jest's own --shard split), each starting with an empty heap.
shards=${SLIPWAY_TEST_SHARDS:-4}
rm -f "$SLIPWAY_STATE"/jest-results*.json
results=()
status=0
for shard in $(seq 1 "$shards"); do
  results+=("$SLIPWAY_STATE/jest-results-$shard.json")
  node --experimental-vm-modules node_modules/jest/bin/jest.js --shard="$shard/$shards" --passWithNoTests \
    --json --outputFile="${results[-1]}" "$@" || status=$?
done

# Stop first, so the summary is the last line printed.
stop_stack
trap - EXIT
node scripts/test-summary.mjs "${results[@]}" || status=1
exit "$status"
