#!/bin/sh
# The build worker's Docker engine: dockerd serving one unix socket in the volume it shares with
# the build worker (and no TCP port at all), then the isolated build network
# (deploy/build-network.sh) before the pod's startup probe lets the build worker start.
set -eu
socket=${SLIPWAY_ENGINE_SOCKET:-/run/slipway-engine/docker.sock}
ready=/tmp/slipway-engine-ready
rm -f "$ready"

# dockerd and build-network.sh must write rules with the same iptables: where the kernel has no
# nf_tables, both use the legacy one the image carries (docker-library/docker#463).
if ! iptables -nL >/dev/null 2>&1 && [ -d /usr/local/sbin/.iptables-legacy ]; then
  export PATH="/usr/local/sbin/.iptables-legacy:$PATH"
fi

# `dockerd` as the first argument: the image's entrypoint adds no listener of its own (its
# default is tcp://0.0.0.0:2375), only the nesting set-up. The socket's group is the build
# worker's (runAsGroup), so the worker needs no root.
dockerd-entrypoint.sh dockerd --host="unix://$socket" --group="${SLIPWAY_ENGINE_GROUP:-1001}" --iptables=true &
engine=$!
trap 'kill -TERM "$engine" 2>/dev/null || true' TERM INT

tries=0
until docker -H "unix://$socket" version >/dev/null 2>&1; do
  if ! kill -0 "$engine" 2>/dev/null; then
    echo "slipway-engine: dockerd exited before it served" >&2
    exit 1
  fi
  tries=$((tries + 1))
  if [ "$tries" -ge 120 ]; then
    echo "slipway-engine: dockerd did not answer on $socket within 120 s" >&2
    exit 1
  fi
  sleep 1
done
DOCKER_HOST="unix://$socket" bash /usr/local/bin/slipway-build-network
touch "$ready"
echo "slipway-engine: serving unix://$socket, builds fenced on ${SLIPWAY_BUILD_NETWORK:-slipway-builds}"

# Stay with the engine; on SIGTERM (pod stopping, after the build worker: a sidecar) let it stop cleanly.
status=0
wait "$engine" || status=$?
if kill -0 "$engine" 2>/dev/null; then
  status=0
  wait "$engine" || status=$?
fi
exit "$status"
