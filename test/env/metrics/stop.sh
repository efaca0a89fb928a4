#!/usr/bin/env bash
# Stops metrics-server by pid and removes its APIService (an unavailable aggregated API makes
# discovery slow and noisy for every client). Its Service, EndpointSlice and certificate stay.
#   stop.sh [K8S_BIN_DIR]     (default: the one the stack's env.sh names)
source "$(dirname "$0")/../lib.sh"
K8S_BIN=${1:-$(sed -n "s/^export SLIPWAY_K8S_BIN='\(.*\)'$/\1/p" "$SLIPWAY_STATE/env.sh" 2>/dev/null)}
if [ -n "$K8S_BIN" ] && [ -f "$SLIPWAY_STATE/k8s/kubeconfig" ]; then
  "$K8S_BIN/kubectl" --kubeconfig "$SLIPWAY_STATE/k8s/kubeconfig" delete apiservice v1beta1.metrics.k8s.io --ignore-not-found --request-timeout=10s >/dev/null 2>&1 || true
fi
stop_pid metrics-server
