#!/usr/bin/env bash
# Runs one benchmark against the local stack (started if needed): bash bench/run.sh <name> [args]
# (also the real-repo corpus: bash bench/run.sh corpus <mirrors-dir> [--only id,id], see test/corpus/README.md)
# (and the chaos run, Slipway as real processes SIGKILLed: bash bench/run.sh chaos [replica-counts=1,3] [--no-baseline])
set -euo pipefail
cd "$(dirname "$0")/.."
source test/env/lib.sh
source scripts/lib.sh
name=${1:?usage: bench/run.sh <name> [args]}; shift
bash test/env/start.sh
source "$SLIPWAY_STATE/env.sh"
ensure_node_modules
exec node --import tsx "bench/$name.ts" "$@"
