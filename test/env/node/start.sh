#!/usr/bin/env bash
# Adds ONE real node to the local test cluster (test/env/k8s): a kubelet with its own
# containerd, CNI bridge and pause image, so pods really run, pull from the test registry,
# get probed, crash and log. Opt-in: test/env/start.sh does not call this.
#
#   containerd (Debian's)  own root/state/socket under $STATE/containerd, CRI plugin
#   CNI                    bridge slipway-cni0 + host-local on 10.250.0.0/24 (+ loopback)
#   kubelet                node "slipway-node", label slipway.dev/node=real,
#                          taint slipway.dev/real-node=true:NoSchedule
#
# Starts the control plane first if it is not up (test/env/k8s/start.sh is idempotent) and
# builds the node's binaries once per version (build.sh).
#
# Traffic stays on this machine: the node IP is this machine's own interface address; pod
# IPs live on the bridge; pods may talk to each other and answer the host, but cannot open
# connections to the host nor be forwarded anywhere else (iptables chains SLIPWAY-NODE-*).
#
# Idempotent: a healthy node started with the same configuration is left alone; leftovers
# of a crashed or older run are cleaned up first (stop.sh). Images pulled by the node's
# containerd are kept across restarts (`stop.sh --purge` drops them).
#
# Env (all optional):
#   SLIPWAY_NODE_STATE   state dir            (default ~/.cache/slipway/state/node)
#   SLIPWAY_K8S_STATE    control plane state  (default ~/.cache/slipway/state/k8s)
#   SLIPWAY_NODE_IP      node IP              (default: the IPv4 of the default route's interface)
#   SLIPWAY_NODE_TIMEOUT seconds to wait for each component (default 120)
# Output: the last stdout line is the node name. $STATE/env is shell-sourceable.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export SLIPWAY_K8S_STATE="${SLIPWAY_K8S_STATE:-$HOME/.cache/slipway/state/k8s}"
STATE="${SLIPWAY_NODE_STATE:-$HOME/.cache/slipway/state/node}"
TIMEOUT="${SLIPWAY_NODE_TIMEOUT:-120}"
# shellcheck source=test/env/node/config.sh
source "$HERE/config.sh"

log() { echo "node/start.sh: $*" >&2; }
die() { echo "node/start.sh: ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------- prerequisites
# containerd and runc come with docker.io (test/env/start.sh installs it); gcc builds pause.
missing=()
for p in containerd runc gcc libc6-dev iproute2 iptables gettext-base openssl curl util-linux; do
  [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == *"ok installed"* ]] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

"$HERE/../k8s/start.sh" >/dev/null
# shellcheck disable=SC1091
source "$SLIPWAY_K8S_STATE/env"   # KUBECONFIG, SLIPWAY_K8S_BIN, SLIPWAY_K8S_APISERVER
NODE_BIN="$("$HERE/build.sh" | tail -n1)"
[ -x "$NODE_BIN/kubelet" ] || die "build.sh did not produce a kubelet in '$NODE_BIN'"
PAUSE_IMAGE="$(cat "$NODE_BIN/pause.image")"
KUBECTL=("$SLIPWAY_K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG")
CTR=(ctr --address "$CONTAINERD_SOCK" --namespace k8s.io)

if [ -n "${SLIPWAY_NODE_IP:-}" ]; then
  NODE_IP="$SLIPWAY_NODE_IP"
else
  dev="$(ip -4 route show default | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')"
  NODE_IP="$(ip -4 -o addr show dev "${dev:-eth0}" scope global | awk '{ split($4, a, "/"); print a[1]; exit }')"
fi
case "$NODE_IP" in
  "" | 127.*) die "no usable node IP ('$NODE_IP'): the kubelet needs a non-loopback address of this machine; set SLIPWAY_NODE_IP" ;;
esac
# (Matched in a here-string, not `ip | grep -q`: grep quitting early can SIGPIPE the
# writer, which pipefail turns into a false failure.)
grep -q " inet $NODE_IP/" <<<"$(ip -4 -o addr show)" || die "SLIPWAY_NODE_IP=$NODE_IP is not an address of this machine"

mkdir -p "$STATE"/{pki,logs,run,cni/net.d,cni/ipam,containerd/certs.d/127.0.0.1:5000,pod-logs,volume-plugins,kubelet}
touch "$STATE/.slipway-node-state"   # lets `stop.sh --purge` know this dir is ours
chmod 700 "$STATE/pki"

# ---------------------------------------------------------------- helpers
pid_alive() { # name expected-argv0 -> 0 if run/<name>.pid names a live process running it
  local f="$STATE/run/$1.pid" pid argv0=""
  [ -f "$f" ] || return 1
  pid="$(cat "$f")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  { IFS= read -r -d '' argv0 <"/proc/$pid/cmdline"; } 2>/dev/null || true
  [ "$argv0" = "$2" ]
}

start_bg() { # name binary args...
  local name="$1"; shift
  log "starting $name (log: $STATE/logs/$name.log)"
  # setsid: its own session (see ../k8s/start.sh); 8>&-: not the start lock.
  setsid "$@" >>"$STATE/logs/$name.log" 2>&1 </dev/null 8>&- &
  echo $! >"$STATE/run/$name.pid"
}

wait_for() { # name argv0 description command...
  local name="$1" argv0="$2" what="$3"; shift 3
  local deadline=$(( $(date +%s) + TIMEOUT ))
  until "$@" >/dev/null 2>&1; do
    if ! pid_alive "$name" "$argv0"; then
      tail -n 30 "$STATE/logs/$name.log" >&2 || true
      die "$name exited while waiting for $what; full log: $STATE/logs/$name.log"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tail -n 30 "$STATE/logs/$name.log" >&2 || true
      die "timed out after ${TIMEOUT}s waiting for $what; full log: $STATE/logs/$name.log"
    fi
    sleep 0.2
  done
}

node_ready() {
  [ "$("${KUBECTL[@]}" get node "$NODE_NAME" \
    -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}

# Parallel callers: one starts the node, the others wait and find it running.
exec 8>"$STATE/run/start.lock"
flock 8

# Everything the running node was configured from; a change restarts it.
CONFIG_HASH="$(cat "$HERE"/{start.sh,config.sh,containerd.toml,cni.conflist,kubelet-config.yaml} "$NODE_BIN/.stamp" \
  <(echo "$NODE_IP $SLIPWAY_K8S_APISERVER $SLIPWAY_NODE_REGISTRY") "$SLIPWAY_K8S_STATE/pki/ca.crt" | sha256sum | cut -c1-16)"

# ---------------------------------------------------------------- already up?
if pid_alive containerd /usr/bin/containerd && pid_alive kubelet "$NODE_BIN/kubelet" \
   && [ "$(cat "$STATE/run/config.hash" 2>/dev/null)" = "$CONFIG_HASH" ] && node_ready; then
  log "already running (node $NODE_NAME, state: $STATE)"
  echo "$NODE_NAME"
  exit 0
fi
if ls "$STATE"/run/*.pid >/dev/null 2>&1 || ip link show "$NODE_BRIDGE" >/dev/null 2>&1; then
  log "node incomplete, unhealthy or configured differently; stopping leftovers first"
  # The Node object stays: pods bound to it come back when the kubelet does.
  SLIPWAY_NODE_STATE="$STATE" "$HERE/stop.sh" --keep-node-object >&2
fi
if (exec 3<>"/dev/tcp/$NODE_IP/$KUBELET_PORT") 2>/dev/null; then
  die "$NODE_IP:$KUBELET_PORT is in use by another process (another node with a different SLIPWAY_NODE_STATE?)"
fi

# ---------------------------------------------------------------- identity
# Signed by the control plane's CA (test/env/k8s/start.sh made it). Re-issued when that CA
# changed (`k8s/stop.sh --purge`). system:nodes + the Node authorizer let the kubelet read
# exactly what its own pods reference (their imagePullSecrets, for one).
K8S_PKI="$SLIPWAY_K8S_STATE/pki"
CLUSTER_CA="$K8S_PKI/ca.crt"
if ! openssl verify -CAfile "$CLUSTER_CA" "$STATE/pki/kubelet-client.crt" >/dev/null 2>&1 \
   || [[ "$(openssl x509 -in "$STATE/pki/kubelet-client.crt" -noout -subject 2>/dev/null)" != *"system:node:$NODE_NAME"* ]]; then
  log "issuing the kubelet's client certificate (CN=system:node:$NODE_NAME)"
  openssl genrsa -out "$STATE/pki/kubelet-client.key" 2048 2>/dev/null
  openssl req -new -key "$STATE/pki/kubelet-client.key" -subj "/O=system:nodes/CN=system:node:$NODE_NAME" \
    -out "$STATE/pki/kubelet-client.csr" 2>/dev/null
  printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=clientAuth" >"$STATE/pki/kubelet-client.ext"
  # The CA's serial file is written next to it; -CAserial keeps ours out of its pki dir.
  openssl x509 -req -in "$STATE/pki/kubelet-client.csr" -CA "$CLUSTER_CA" -CAkey "$K8S_PKI/ca.key" \
    -CAserial "$STATE/pki/ca.srl" -CAcreateserial -days 3650 -extfile "$STATE/pki/kubelet-client.ext" \
    -out "$STATE/pki/kubelet-client.crt" 2>/dev/null
  rm -f "$STATE/pki/kubelet-client.csr" "$STATE/pki/kubelet-client.ext"
fi
cat >"$STATE/kubelet.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: slipway-test
  cluster:
    server: $SLIPWAY_K8S_APISERVER
    certificate-authority: $CLUSTER_CA
users:
- name: system:node:$NODE_NAME
  user:
    client-certificate: $STATE/pki/kubelet-client.crt
    client-key: $STATE/pki/kubelet-client.key
contexts:
- name: slipway-test
  context: {cluster: slipway-test, user: "system:node:$NODE_NAME"}
current-context: slipway-test
EOF
chmod 600 "$STATE/kubelet.kubeconfig"

# The apiserver calls the kubelet (logs, exec, port-forward) as kube-apiserver-kubelet-client
# when test/env/k8s/start.sh gave it that certificate; the kubelet asks RBAC whether it may.
"${KUBECTL[@]}" create clusterrolebinding slipway-test:apiserver-kubelet-client \
  --clusterrole=system:kubelet-api-admin --user=kube-apiserver-kubelet-client \
  --dry-run=client -o yaml | "${KUBECTL[@]}" apply -f - >/dev/null
apiserver_pid="$(cat "$SLIPWAY_K8S_STATE/run/kube-apiserver.pid")"
if ! grep -q '^--kubelet-client-certificate=' <<<"$(tr '\0' '\n' <"/proc/$apiserver_pid/cmdline")"; then
  log "WARNING: the running kube-apiserver has no --kubelet-client-certificate (started by an older"
  log "  test/env/k8s/start.sh): pods run, but kubectl logs/exec on $NODE_NAME are refused until the"
  log "  control plane restarts (test/env/k8s/stop.sh && test/env/k8s/start.sh)"
fi

# ---------------------------------------------------------------- configuration
# Only the variables named here are substituted: the templates may hold other '$'.
export NODE_STATE="$STATE" NODE_BIN PAUSE_IMAGE NODE_IP CLUSTER_CA CONTAINERD_SOCK NODE_BRIDGE POD_CIDR POD_GATEWAY \
  CNI_NETWORK CGROUP_ROOT KUBELET_PORT KUBELET_HEALTHZ_PORT
# shellcheck disable=SC2016  # envsubst's SHELL-FORMAT: the names, unexpanded
VARS='$NODE_STATE $NODE_BIN $PAUSE_IMAGE $NODE_IP $CLUSTER_CA $CONTAINERD_SOCK $NODE_BRIDGE $POD_CIDR
  $POD_GATEWAY $CNI_NETWORK $CGROUP_ROOT $KUBELET_PORT $KUBELET_HEALTHZ_PORT'
envsubst "$VARS" <"$HERE/containerd.toml" >"$STATE/containerd/config.toml"
envsubst "$VARS" <"$HERE/cni.conflist" >"$STATE/cni/net.d/10-$CNI_NETWORK.conflist"
envsubst "$VARS" <"$HERE/kubelet-config.yaml" >"$STATE/kubelet-config.yaml"
cat >"$STATE/containerd/certs.d/$SLIPWAY_NODE_REGISTRY/hosts.toml" <<EOF
# The test registry (test/env/start.sh) speaks plain http on loopback.
server = "http://$SLIPWAY_NODE_REGISTRY"
[host."http://$SLIPWAY_NODE_REGISTRY"]
  capabilities = ["pull", "resolve"]
EOF
cat >"$STATE/resolv.conf" <<EOF
# Pods' resolv.conf on the test node (dnsPolicy Default). No name server answers for pods
# here: nothing they run may reach past this machine.
nameserver $POD_GATEWAY
options timeout:1 attempts:1
EOF

# cgroupRoot must exist in every hierarchy before the kubelet starts. A new cpuset cgroup
# starts with no CPUs and no memory nodes; its children inherit that, so copy the root's.
for h in /sys/fs/cgroup/*/; do
  [ -d "$h" ] || continue
  mkdir -p "$h${CGROUP_ROOT#/}"
done
if [ -d "/sys/fs/cgroup/cpuset$CGROUP_ROOT" ]; then
  cat /sys/fs/cgroup/cpuset/cpuset.cpus >"/sys/fs/cgroup/cpuset$CGROUP_ROOT/cpuset.cpus"
  cat /sys/fs/cgroup/cpuset/cpuset.mems >"/sys/fs/cgroup/cpuset$CGROUP_ROOT/cpuset.mems"
fi

# ---------------------------------------------------------------- network fence
# Host -> pod (probes, tests) is OUTPUT and its replies; pod <-> pod stays on the bridge
# (br_netfilter shows it to FORWARD, where dockerd may have set the policy to DROP).
# Everything else a pod starts is refused: no connection to this host's services (its
# address on the bridge included) and no forwarding past it (there is no NAT, and nothing
# a test runs may send traffic to another host).
iptables -N "$IPT_INPUT" 2>/dev/null || iptables -F "$IPT_INPUT"
iptables -A "$IPT_INPUT" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
iptables -A "$IPT_INPUT" -j REJECT --reject-with icmp-admin-prohibited
iptables -C INPUT -i "$NODE_BRIDGE" -j "$IPT_INPUT" 2>/dev/null || iptables -I INPUT -i "$NODE_BRIDGE" -j "$IPT_INPUT"
iptables -N "$IPT_FORWARD" 2>/dev/null || iptables -F "$IPT_FORWARD"
iptables -A "$IPT_FORWARD" -i "$NODE_BRIDGE" -o "$NODE_BRIDGE" -j ACCEPT
iptables -A "$IPT_FORWARD" -i "$NODE_BRIDGE" -j REJECT --reject-with icmp-admin-prohibited
iptables -A "$IPT_FORWARD" -o "$NODE_BRIDGE" -j REJECT --reject-with icmp-admin-prohibited
iptables -A "$IPT_FORWARD" -j RETURN
iptables -C FORWARD -j "$IPT_FORWARD" 2>/dev/null || iptables -I FORWARD -j "$IPT_FORWARD"

T0=$(date +%s.%N)
# ---------------------------------------------------------------- containerd
start_bg containerd /usr/bin/containerd --config "$STATE/containerd/config.toml"
wait_for containerd /usr/bin/containerd "containerd on $CONTAINERD_SOCK" "${CTR[@]}" version
# The pause image: imported each start (a no-op when the same digest is there).
"${CTR[@]}" images import "$NODE_BIN/pause.oci.tar" >/dev/null
grep -qxF "$PAUSE_IMAGE" <<<"$("${CTR[@]}" images ls -q)" || die "importing $PAUSE_IMAGE into containerd failed"

# ---------------------------------------------------------------- kubelet
start_bg kubelet "$NODE_BIN/kubelet" \
  --config="$STATE/kubelet-config.yaml" \
  --kubeconfig="$STATE/kubelet.kubeconfig" \
  --root-dir="$STATE/kubelet" \
  --cert-dir="$STATE/kubelet/pki" \
  --hostname-override="$NODE_NAME" \
  --node-ip="$NODE_IP" \
  --node-labels="slipway.dev/node=real"
wait_for kubelet "$NODE_BIN/kubelet" "node $NODE_NAME Ready" node_ready
T1=$(date +%s.%N)
echo "$CONFIG_HASH" >"$STATE/run/config.hash"

cat >"$STATE/env" <<EOF
# Written by test/env/node/start.sh; source it (after $SLIPWAY_K8S_STATE/env) to reach the node.
export SLIPWAY_NODE_NAME="$NODE_NAME"
export SLIPWAY_NODE_IP="$NODE_IP"
export SLIPWAY_NODE_STATE="$STATE"
export SLIPWAY_NODE_BIN="$NODE_BIN"
export SLIPWAY_NODE_CONTAINERD="$CONTAINERD_SOCK"   # ctr --address \$SLIPWAY_NODE_CONTAINERD -n k8s.io ...
export SLIPWAY_NODE_POD_CIDR="$POD_CIDR"
EOF
log "node $NODE_NAME Ready $(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.1f", b - a }')s after containerd started (IP $NODE_IP, pods on $NODE_BRIDGE $POD_CIDR)"
echo "$NODE_NAME"
