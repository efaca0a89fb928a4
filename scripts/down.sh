#!/usr/bin/env bash
# Stops what scripts/up.sh started. Data (Redis AOF, registry, images) stays for next time.
set -euo pipefail
cd "$(dirname "$0")/.."
source test/env/lib.sh
stop_pid build-worker
stop_pid api
bash test/env/stop.sh
