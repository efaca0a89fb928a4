# shellcheck shell=bash disable=SC2034  # sourced: the variables are used by its callers
# Names and addresses of the test node, shared by start.sh, stop.sh and smoke.sh. Sourced
# after STATE is set. Each is chosen to be unique on the machine, so stop.sh can find and
# remove exactly what start.sh made (by pid, by name, by address range).
NODE_NAME=slipway-node
NODE_BRIDGE=slipway-cni0          # not docker0 / slipway-br0 (the build network's)
CNI_NETWORK=slipway-node          # names /var/lib/cni/results/<network>-* files
POD_CIDR=10.250.0.0/24            # outside the build network (10.251.0.0/24) and kwok's fake ranges
POD_GATEWAY=10.250.0.1            # the bridge's address on this host
CGROUP_ROOT=/slipway-node         # kubelet cgroupRoot: pods live in /slipway-node/kubepods/...
KUBELET_PORT=21250                # on the node IP; kwok uses 127.0.0.1:20250
KUBELET_HEALTHZ_PORT=21248        # 127.0.0.1
CONTAINERD_SOCK="$STATE/run/containerd.sock"
IPT_INPUT=SLIPWAY-NODE-INPUT
IPT_FORWARD=SLIPWAY-NODE-FORWARD
SLIPWAY_NODE_REGISTRY="${SLIPWAY_REGISTRY_ADDR:-127.0.0.1:5000}"
