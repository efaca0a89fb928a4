#!/usr/bin/env bash
# Builds and starts the services only a few tests use: the weighted traffic router (Traefik as a
# Gateway API controller, test/env/router) and metrics-server (test/env/metrics). Writes
# $SLIPWAY_STATE/late-services.status: `ready`, or `failed` (this script's log says why).
#
#   late-services.sh K8S_BIN_DIR      (needs the control plane and the real node up)
#
# start.sh runs it in line, or, with SLIPWAY_ENV_LATE_SERVICES=1 (scripts/test.sh), in the
# background: on a fresh machine their Go builds take about 9 minutes of both cores, and niced
# they use only the CPU the first test files leave idle (those wait on pods, probes and builds).
# scripts/test.sh runs the files that need them last; test/helpers/late-services.ts waits for
# the status in any case.
source "$(dirname "$0")/lib.sh"
K8S_BIN=$1
STATUS="$SLIPWAY_STATE/late-services.status"
rm -f "$STATUS"
trap 'echo failed >"$STATUS"' ERR
router_bin=$(bash "$ENV_DIR/router/build.sh" | tail -n1)
bash "$ENV_DIR/router/start.sh" "$router_bin" "$K8S_BIN"
# metrics-server, scraping the real node's kubelet: `kubectl top` and HorizontalPodAutoscalers
# get metrics.k8s.io.
metrics_bin=$(bash "$ENV_DIR/metrics/build.sh" | tail -n1)
bash "$ENV_DIR/metrics/start.sh" "$metrics_bin" "$K8S_BIN"
echo ready >"$STATUS"
