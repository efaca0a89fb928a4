#!/usr/bin/env bash
# Stops what start.sh started, by pid. Data and cached images stay.
source "$(dirname "$0")/lib.sh"
# A background build of the router and metrics-server (start.sh with SLIPWAY_ENV_LATE_SERVICES=1)
# that has not finished: its whole process group (setsid), go build included.
if alive "$SLIPWAY_STATE/late-services.pid"; then
  kill -TERM -- "-$(cat "$SLIPWAY_STATE/late-services.pid")" 2>/dev/null || true
  log "late-services: stopped before it finished"
fi
rm -f "$SLIPWAY_STATE/late-services.pid"
stop_pid router
stop_pid prometheus
stop_pid prometheus-discovery
bash "$ENV_DIR/metrics/stop.sh"
# The real node first: its stop.sh deletes its Node object and pods through the control plane.
SLIPWAY_K8S_STATE="$SLIPWAY_STATE/k8s" SLIPWAY_NODE_STATE="$SLIPWAY_STATE/node" bash "$ENV_DIR/node/stop.sh" >/dev/null \
  || log "real node: node/stop.sh failed (see above); stopping the rest anyway"
SLIPWAY_K8S_STATE="$SLIPWAY_STATE/k8s" bash "$ENV_DIR/k8s/stop.sh" 2>/dev/null
for name in git-daemon registry dockerd redis; do stop_pid "$name"; done
# dockerd leaves the bind mount of its network namespace in its exec root when it stops; while
# it stays, the state directory cannot be deleted (`rm -rf ~/.cache/slipway`: device busy).
# Only once no dockerd runs on that exec root.
if ! pgrep -f -- "--exec-root $SLIPWAY_STATE/docker/exec" >/dev/null; then
  awk -v root="$SLIPWAY_STATE/docker/exec/" 'index($2, root) == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r mount; do umount "$mount" 2>/dev/null || log "could not unmount $mount"; done
fi
