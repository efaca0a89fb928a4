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
# Jest runs each file alone in its process (maxWorkers 1), and there it keeps every finished
# file's modules: the heap grew about 20 MB a file, and in a 154-file run it passed 3 GB and the
# last third of the files each took 20-60 s more than alone. So each jest process runs one
# shard of the files (jest's own --shard split) and starts with an empty heap.
# Most files wait on builds, pods and back-offs a good part of their time: one file at a time
# left about half of both cores idle (a fresh-machine CI, 10-s samples: 48 %). So SLIPWAY_TEST_LANES
# jest processes run side by side, each taking its shards one after another. A file that must
# have the machine to itself says why in a first line `// @runs-alone: ...` (it restarts or
# counts something shared, or it times something another file's load would disturb); those
# run after the lanes, one at a time.
lanes=${SLIPWAY_TEST_LANES:-2}
shards=${SLIPWAY_TEST_SHARDS:-4}
# The files that need the router or metrics-server (they import test/helpers/late-services.ts,
# which waits for them) run after all others, when the background build is long done, one at a
# time too. With arguments (a path to run one suite), jest picks the files, in one lane, and
# the helper waits if it must.
late=()
alone=()
ignore=()
if [ $# -eq 0 ]; then
  mapfile -t late < <(grep -rl --include='*.test.ts' "helpers/late-services.js'" test | sort)
  mapfile -t alone < <(grep -rl --include='*.test.ts' '^// @runs-alone:' test | sort | grep -vxF -f <(printf '%s\n' "${late[@]}"))
  for file in "${late[@]}" "${alone[@]}"; do ignore+=("--testPathIgnorePatterns=$PWD/$file"); done
else
  lanes=1
fi
rm -f "$SLIPWAY_STATE"/jest-results*.json
results=()
status=0
# jest NAME ARGS...: one jest process, its results in jest-results-NAME.json.
jest() {
  local out="$SLIPWAY_STATE/jest-results-$1.json"; shift
  node --experimental-vm-modules node_modules/jest/bin/jest.js --passWithNoTests --json --outputFile="$out" "$@"
}
# lane N ARGS...: shards N, N+lanes, ... one after another.
lane() {
  local n=$1 shard failed=0; shift
  for shard in $(seq "$n" "$lanes" "$shards"); do jest "$shard" --shard="$shard/$shards" "$@" || failed=1; done
  return "$failed"
}
pids=()
for n in $(seq 1 "$lanes"); do
  if [ "$lanes" -eq 1 ]; then lane "$n" "${ignore[@]}" "$@" || status=1; continue; fi
  # Each line says which lane printed it: the two lanes' reports interleave.
  lane "$n" "${ignore[@]}" "$@" > >(sed -u "s/^/[lane $n] /") 2> >(sed -u "s/^/[lane $n] /" >&2) &
  pids+=("$!")
done
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
for shard in $(seq 1 "$shards"); do results+=("$SLIPWAY_STATE/jest-results-$shard.json"); done
if [ ${#alone[@]} -gt 0 ]; then
  results+=("$SLIPWAY_STATE/jest-results-alone.json")
  jest alone --runTestsByPath "${alone[@]}" || status=1
fi
if [ ${#late[@]} -gt 0 ]; then
  results+=("$SLIPWAY_STATE/jest-results-late.json")
  jest late --runTestsByPath "${late[@]}" || status=1
fi

# Stop first, so the summary is the last line printed.
stop_stack
trap - EXIT
node scripts/test-summary.mjs "${results[@]}" || status=1
exit "$status"
