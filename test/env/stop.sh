#!/usr/bin/env bash
# Stops what start.sh started, by pid. Data and cached images stay.
source "$(dirname "$0")/lib.sh"
SLIPWAY_K8S_STATE="$SLIPWAY_STATE/k8s" bash "$ENV_DIR/k8s/stop.sh" 2>/dev/null
for name in git-daemon registry dockerd redis; do stop_pid "$name"; done
