#!/usr/bin/env bash
# Stops the test control plane started by start.sh, by the pids it recorded
# (never by process name: other clusters or the developer's own may be running).
# Idempotent: missing or stale pid files are fine.
#
#   stop.sh           stop; keep certs and etcd data in the state dir
#   stop.sh --purge   stop and delete the state dir (next start is a fresh cluster)
set -euo pipefail

STATE="${SLIPWAY_K8S_STATE:-$HOME/.cache/slipway/state/k8s}"
log() { echo "stop.sh: $*" >&2; }
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Reverse start order: clients of the apiserver first, etcd last, so nothing
# logs a storm of connection errors while shutting down.
for name in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
  stop_recorded "$name" "$STATE/run/$name.pid"
done
rm -f "$STATE/run/stages.hash"
# start.sh's fence around kwok's fake pod IPs.
while iptables -D OUTPUT -j SLIPWAY-KWOK-PODS 2>/dev/null; do :; done
iptables -F SLIPWAY-KWOK-PODS 2>/dev/null && iptables -X SLIPWAY-KWOK-PODS 2>/dev/null || true

if [ "${1:-}" = "--purge" ]; then
  # Only delete a directory start.sh created (it leaves a marker file), so a
  # mistyped SLIPWAY_K8S_STATE cannot turn this into rm -rf of something else.
  if [ -f "$STATE/.slipway-k8s-state" ]; then
    rm -rf "$STATE"; log "removed $STATE"
  elif [ -e "$STATE" ]; then
    log "not purging '$STATE': no .slipway-k8s-state marker, not a start.sh state dir"
  fi
fi
