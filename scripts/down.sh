#!/usr/bin/env bash
# Stops what scripts/up.sh started. Data (Redis AOF, registry, images) stays for next time.
set -euo pipefail
cd "$(dirname "$0")/.."
source test/env/lib.sh
for process in deploy-worker build-worker api; do stop_pid "$process"; done
bash test/env/stop.sh
