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
KUBE_PROXY_METRICS_PORT=21249     # 127.0.0.1 (upstream 10249)
KUBE_PROXY_HEALTHZ_PORT=21256     # 127.0.0.1 (upstream 10256)
CLUSTER_DOMAIN=cluster.local
CLUSTER_DNS="$POD_GATEWAY"        # CoreDNS, port 53 udp+tcp, on the bridge's address only
COREDNS_HEALTH_PORT=21280         # 127.0.0.1 /health (upstream 8080)
COREDNS_READY_PORT=21281          # 127.0.0.1 /ready  (upstream 8181)
# kube-proxy's masquerade mark (masqueradeBit 14, its default, written out in
# kube-proxy-config.yaml): the forward fence refuses marked traffic not from the pods.
KUBE_PROXY_MASQ_MARK=0x4000/0x4000
CONTAINERD_SOCK="$STATE/run/containerd.sock"
IPT_INPUT=SLIPWAY-NODE-INPUT
IPT_FORWARD=SLIPWAY-NODE-FORWARD
SLIPWAY_NODE_REGISTRY="${SLIPWAY_REGISTRY_ADDR:-127.0.0.1:5000}"
