#!/usr/bin/env bash
# Adds ONE real node to the local test cluster (test/env/k8s): a kubelet with its own
# containerd, CNI bridge and pause image, so pods really run, pull from the test registry,
# get probed, crash and log. Opt-in: test/env/start.sh does not call this.
#
#   containerd (Debian's)  own root/state/socket under $STATE/containerd, CRI plugin
#   CNI                    bridge slipway-cni0 + host-local on 10.250.0.0/24 (+ loopback)
#   kubelet                node "slipway-node", label slipway.dev/node=real,
#                          taint slipway.dev/real-node=true:NoSchedule
#   kube-proxy             iptables mode: Service ClusterIPs work from pods and this host
#   CoreDNS                on the host, on the bridge's address 10.250.0.1:53: the cluster's
#                          names only (<svc>.<ns>.svc.cluster.local), nothing else resolves
#
# Starts the control plane first if it is not up (test/env/k8s/start.sh is idempotent) and
# builds the node's binaries once per version (build.sh).
#
# Traffic stays on this machine: the node IP is this machine's own interface address; pod
# IPs live on the bridge; pods may talk to each other, answer the host and ask the cluster
# DNS, but cannot open other connections to the host nor be forwarded anywhere else, and
# nothing but the pods may use a Service's address (iptables chains SLIPWAY-NODE-*).
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
  # "setsid": just launched, not yet exec'd (see ../k8s/start.sh).
  [ "$argv0" = "$2" ] || [ "$argv0" = setsid ]
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

# Ready, as posted by a kubelet started at or after KUBELET_STARTED (epoch seconds; unset:
# any). A Node kept across a restart still says Ready from before: that is not an answer.
node_ready() {
  local ready
  ready="$("${KUBECTL[@]}" get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status} {.status.conditions[?(@.type=="Ready")].lastHeartbeatTime}' 2>/dev/null)" \
    || return 1
  [ "${ready%% *}" = True ] && [ "$(date -d "${ready#* }" +%s 2>/dev/null || echo 0)" -ge "${KUBELET_STARTED:-0}" ]
}

# containerd answers `ctr version` before its CRI plugin serves: a kubelet started in between
# exits ("validate CRI v1 runtime API ... server is not initialized yet"). The plugin logs
# "Start streaming server" right before it starts serving (containerd 1.6 pkg/cri/server/service.go).
cri_ready() { grep -q 'Start streaming server' <<<"$(tail -c "+$((CONTAINERD_LOG_OFFSET + 1))" "$STATE/logs/containerd.log")"; }

since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# kube-proxy's metrics carry the time of its last successful sync of the IPv4 rules, from
# the first one on. (Its /healthz answers 200, with a time, before it ever synced.)
kube_proxy_synced() {
  grep -q '^kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family="IPv4"} ' \
    <<<"$(curl -fsS --max-time 2 "http://127.0.0.1:$KUBE_PROXY_METRICS_PORT/metrics")"
}

# rule_first CHAIN RULE...: RULE is CHAIN's first rule, and its only copy. kube-proxy puts
# its jumps at the top of INPUT and FORWARD (its FORWARD chain ACCEPTs what it marked), and
# puts them back there whenever they are missing: the fence must come before them. A
# stand-in copy (with a comment) stays first while the rule moves, so the fence never lapses.
rule_first() {
  local chain=$1 rules; shift
  rules="$(iptables -S "$chain")"
  if [ "$(sed -n 2p <<<"$rules")" = "-A $chain $*" ] && [ "$(grep -cxF -- "-A $chain $*" <<<"$rules")" = 1 ]; then
    return 0
  fi
  iptables -I "$chain" 1 -m comment --comment slipway-node-fence-moving "$@"
  while iptables -D "$chain" "$@" 2>/dev/null; do :; done
  iptables -I "$chain" 1 "$@"
  iptables -D "$chain" -m comment --comment slipway-node-fence-moving "$@"
}
fence_first() {
  rule_first INPUT -i "$NODE_BRIDGE" -j "$IPT_INPUT"
  rule_first FORWARD -j "$IPT_FORWARD"
}

# Parallel callers: one starts the node, the others wait and find it running.
exec 8>"$STATE/run/start.lock"
flock 8

# Everything the running node was configured from; a change restarts it.
CONFIG_HASH="$(cat "$HERE"/{start.sh,config.sh,containerd.toml,cni.conflist,kubelet-config.yaml,kube-proxy-config.yaml,Corefile} "$NODE_BIN/.stamp" \
  <(echo "$NODE_IP $SLIPWAY_K8S_APISERVER $SLIPWAY_NODE_REGISTRY") "$SLIPWAY_K8S_STATE/pki/ca.crt" | sha256sum | cut -c1-16)"

# ---------------------------------------------------------------- already up?
if pid_alive containerd /usr/bin/containerd && pid_alive kubelet "$NODE_BIN/kubelet" \
   && pid_alive kube-proxy "$NODE_BIN/kube-proxy" && pid_alive coredns "$NODE_BIN/coredns" \
   && [ "$(cat "$STATE/run/config.hash" 2>/dev/null)" = "$CONFIG_HASH" ] && node_ready; then
  fence_first   # dockerd or a kube-proxy resync may have put rules above the fence since
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
# Each component has a client certificate of its own, signed by the control plane's CA
# (test/env/k8s/start.sh made it), and a kubeconfig naming it. Re-issued when that CA
# changed (`k8s/stop.sh --purge`) or the subject did.
K8S_PKI="$SLIPWAY_K8S_STATE/pki"
CLUSTER_CA="$K8S_PKI/ca.crt"
client_cert() { # name subject ("/O=group/CN=user"): $STATE/pki/<name>.{crt,key}
  local name=$1 subject=$2 pki="$STATE/pki"
  if openssl verify -CAfile "$CLUSTER_CA" "$pki/$name.crt" >/dev/null 2>&1 \
     && [ "$(openssl x509 -in "$pki/$name.crt" -noout -subject -nameopt compat 2>/dev/null)" = "subject=$subject" ]; then
    return 0
  fi
  log "issuing the client certificate of $name ($subject)"
  openssl genrsa -out "$pki/$name.key" 2048 2>/dev/null
  openssl req -new -key "$pki/$name.key" -subj "$subject" -out "$pki/$name.csr" 2>/dev/null
  printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=clientAuth" >"$pki/$name.ext"
  # The CA's serial file is written next to it; -CAserial keeps ours out of its pki dir.
  openssl x509 -req -in "$pki/$name.csr" -CA "$CLUSTER_CA" -CAkey "$K8S_PKI/ca.key" \
    -CAserial "$pki/ca.srl" -CAcreateserial -days 3650 -extfile "$pki/$name.ext" \
    -out "$pki/$name.crt" 2>/dev/null
  rm -f "$pki/$name.csr" "$pki/$name.ext"
}
write_kubeconfig() { # file user cert-name
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: slipway-test
  cluster:
    server: $SLIPWAY_K8S_APISERVER
    certificate-authority: $CLUSTER_CA
users:
- name: "$2"
  user:
    client-certificate: $STATE/pki/$3.crt
    client-key: $STATE/pki/$3.key
contexts:
- name: slipway-test
  context: {cluster: slipway-test, user: "$2"}
current-context: slipway-test
EOF
  chmod 600 "$1"
}
# The kubelet: system:nodes + the Node authorizer let it read exactly what its own pods
# reference (their imagePullSecrets, for one).
client_cert kubelet-client "/O=system:nodes/CN=system:node:$NODE_NAME"
write_kubeconfig "$STATE/kubelet.kubeconfig" "system:node:$NODE_NAME" kubelet-client
# kube-proxy: the bootstrap ClusterRoleBinding system:node-proxier already grants the user
# system:kube-proxy what it reads (Services, EndpointSlices, Nodes) and writes (Events).
client_cert kube-proxy "/CN=system:kube-proxy"
write_kubeconfig "$STATE/kube-proxy.kubeconfig" system:kube-proxy kube-proxy
# CoreDNS: list/watch of what its kubernetes plugin reads with `pods insecure` (kubeadm's
# system:coredns role, without pods), bound to a user of its own.
client_cert coredns "/CN=slipway-test:coredns"
write_kubeconfig "$STATE/coredns.kubeconfig" slipway-test:coredns coredns
"${KUBECTL[@]}" apply -f - >/dev/null <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: slipway-test:coredns
  labels: {app.kubernetes.io/managed-by: slipway-test-env}
rules:
- apiGroups: [""]
  resources: [services, namespaces]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: slipway-test:coredns
  labels: {app.kubernetes.io/managed-by: slipway-test-env}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "slipway-test:coredns"}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: "slipway-test:coredns"}
EOF

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
export NODE_STATE="$STATE" NODE_NAME NODE_BIN PAUSE_IMAGE NODE_IP CLUSTER_CA CONTAINERD_SOCK NODE_BRIDGE POD_CIDR \
  POD_GATEWAY CNI_NETWORK CGROUP_ROOT KUBELET_PORT KUBELET_HEALTHZ_PORT KUBE_PROXY_HEALTHZ_PORT \
  KUBE_PROXY_METRICS_PORT CLUSTER_DOMAIN CLUSTER_DNS COREDNS_HEALTH_PORT COREDNS_READY_PORT
# shellcheck disable=SC2016  # envsubst's SHELL-FORMAT: the names, unexpanded
VARS='$NODE_STATE $NODE_NAME $NODE_BIN $PAUSE_IMAGE $NODE_IP $CLUSTER_CA $CONTAINERD_SOCK $NODE_BRIDGE $POD_CIDR
  $POD_GATEWAY $CNI_NETWORK $CGROUP_ROOT $KUBELET_PORT $KUBELET_HEALTHZ_PORT $KUBE_PROXY_HEALTHZ_PORT
  $KUBE_PROXY_METRICS_PORT $CLUSTER_DOMAIN $CLUSTER_DNS $COREDNS_HEALTH_PORT $COREDNS_READY_PORT'
envsubst "$VARS" <"$HERE/containerd.toml" >"$STATE/containerd/config.toml"
envsubst "$VARS" <"$HERE/cni.conflist" >"$STATE/cni/net.d/10-$CNI_NETWORK.conflist"
envsubst "$VARS" <"$HERE/kubelet-config.yaml" >"$STATE/kubelet-config.yaml"
envsubst "$VARS" <"$HERE/kube-proxy-config.yaml" >"$STATE/kube-proxy-config.yaml"
envsubst "$VARS" <"$HERE/Corefile" >"$STATE/Corefile"
cat >"$STATE/containerd/certs.d/$SLIPWAY_NODE_REGISTRY/hosts.toml" <<EOF
# The test registry (test/env/start.sh) speaks plain http on loopback.
server = "http://$SLIPWAY_NODE_REGISTRY"
[host."http://$SLIPWAY_NODE_REGISTRY"]
  capabilities = ["pull", "resolve"]
EOF
cat >"$STATE/resolv.conf" <<EOF
# Pods' resolv.conf on the test node with dnsPolicy Default (ClusterFirst pods get the same
# server with the cluster's search path): the cluster DNS, which answers the cluster's names
# only. Nothing a pod looks up resolves past this machine.
nameserver $CLUSTER_DNS
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
# (br_netfilter shows it to FORWARD, where dockerd may have set the policy to DROP), and so
# does pod -> Service (kube-proxy DNATs it to a pod on the bridge). A pod may ask the
# cluster DNS on the bridge's address. Everything else a pod starts is refused: no other
# connection to this host's services (its address on the bridge included) and no
# forwarding past it (there is no NAT, and nothing a test runs may send traffic to another
# host: a Service whose endpoints are kwok's fake pod IPs is refused here too).
iptables -N "$IPT_INPUT" 2>/dev/null || iptables -F "$IPT_INPUT"
iptables -A "$IPT_INPUT" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
iptables -A "$IPT_INPUT" -d "$CLUSTER_DNS" -p udp --dport 53 -j ACCEPT
iptables -A "$IPT_INPUT" -d "$CLUSTER_DNS" -p tcp --dport 53 -j ACCEPT
iptables -A "$IPT_INPUT" -j REJECT --reject-with icmp-admin-prohibited
iptables -C INPUT -i "$NODE_BRIDGE" -j "$IPT_INPUT" 2>/dev/null || iptables -I INPUT -i "$NODE_BRIDGE" -j "$IPT_INPUT"
iptables -N "$IPT_FORWARD" 2>/dev/null || iptables -F "$IPT_FORWARD"
iptables -A "$IPT_FORWARD" -i "$NODE_BRIDGE" -o "$NODE_BRIDGE" -j ACCEPT
iptables -A "$IPT_FORWARD" -i "$NODE_BRIDGE" -j REJECT --reject-with icmp-admin-prohibited
iptables -A "$IPT_FORWARD" -o "$NODE_BRIDGE" -j REJECT --reject-with icmp-admin-prohibited
# kube-proxy DNATs every packet for a Service address or a NodePort, whichever interface it
# came in on, and marks those not from the pods for masquerading; its own FORWARD rule then
# ACCEPTs them. A build container (slipway-br0), a second dockerd's or another host's
# packet for a ClusterIP must not get through that way, wherever its DNAT points.
iptables -A "$IPT_FORWARD" -m mark --mark "$KUBE_PROXY_MASQ_MARK" -j REJECT --reject-with icmp-admin-prohibited
iptables -A "$IPT_FORWARD" -j RETURN
iptables -C FORWARD -j "$IPT_FORWARD" 2>/dev/null || iptables -I FORWARD -j "$IPT_FORWARD"

# ---------------------------------------------------------------- bridge
# Made here, with the address the CNI bridge plugin would give it, so CoreDNS can bind the
# address before the first pod exists; the plugin adopts a bridge that has its gateway
# address. Its MAC is pinned, as the plugin pins it on a bridge it makes (else the bridge
# takes its ports' lowest and changes as pods come and go, under the pods' ARP caches).
ip link show "$NODE_BRIDGE" >/dev/null 2>&1 || ip link add "$NODE_BRIDGE" type bridge
ip addr replace "$POD_GATEWAY/${POD_CIDR#*/}" dev "$NODE_BRIDGE"
ip link set dev "$NODE_BRIDGE" address "$(cat "/sys/class/net/$NODE_BRIDGE/address")"
if [ -e "/proc/sys/net/ipv6/conf/$NODE_BRIDGE/accept_ra" ]; then echo 0 >"/proc/sys/net/ipv6/conf/$NODE_BRIDGE/accept_ra"; fi
ip link set dev "$NODE_BRIDGE" up

# ---------------------------------------------------------------- CoreDNS
# Before the kubelet: pods it (re)starts find their name server answering.
TD=$(date +%s.%N)
start_bg coredns "$NODE_BIN/coredns" -conf "$STATE/Corefile"
wait_for coredns "$NODE_BIN/coredns" "CoreDNS ready on $CLUSTER_DNS:53 (its kubernetes plugin synced)" \
  curl -fsS --max-time 2 "http://127.0.0.1:$COREDNS_READY_PORT/ready"
log "CoreDNS ready on $CLUSTER_DNS:53 in $(since "$TD")s"

# ---------------------------------------------------------------- containerd
T0=$(date +%s.%N)
CONTAINERD_LOG_OFFSET="$(stat -c %s "$STATE/logs/containerd.log" 2>/dev/null || echo 0)"
start_bg containerd /usr/bin/containerd --config "$STATE/containerd/config.toml"
wait_for containerd /usr/bin/containerd "containerd on $CONTAINERD_SOCK" "${CTR[@]}" version
wait_for containerd /usr/bin/containerd "containerd's CRI plugin serving" cri_ready
# The pause image: imported each start (a no-op when the same digest is there).
"${CTR[@]}" images import "$NODE_BIN/pause.oci.tar" >/dev/null
grep -qxF "$PAUSE_IMAGE" <<<"$("${CTR[@]}" images ls -q)" || die "importing $PAUSE_IMAGE into containerd failed"
# Every other image is what earlier runs pulled: the kubelet's image GC is off
# (kubelet-config.yaml), so the node starts with the pause image alone and the store does not
# grow run after run. Nothing runs yet to use them; the registry has them all.
mapfile -t stale < <("${CTR[@]}" images ls -q | grep -vxF "$PAUSE_IMAGE" || true)
if [ "${#stale[@]}" -gt 0 ]; then
  "${CTR[@]}" images rm "${stale[@]}" >/dev/null
  log "removed ${#stale[@]} image names earlier runs pulled"
fi

# ---------------------------------------------------------------- kubelet
KUBELET_STARTED="$(date +%s)"
start_bg kubelet "$NODE_BIN/kubelet" \
  --config="$STATE/kubelet-config.yaml" \
  --kubeconfig="$STATE/kubelet.kubeconfig" \
  --root-dir="$STATE/kubelet" \
  --cert-dir="$STATE/kubelet/pki" \
  --hostname-override="$NODE_NAME" \
  --node-ip="$NODE_IP" \
  --node-labels="slipway.dev/node=real"
wait_for kubelet "$NODE_BIN/kubelet" "node $NODE_NAME Ready" node_ready
log "node $NODE_NAME Ready $(since "$T0")s after containerd started (IP $NODE_IP, pods on $NODE_BRIDGE $POD_CIDR)"

# ---------------------------------------------------------------- kube-proxy
# After the kubelet: it reads its node's addresses from the Node object. Its first sync puts
# its jumps at the top of INPUT and FORWARD; the fence goes back above them.
TP=$(date +%s.%N)
start_bg kube-proxy "$NODE_BIN/kube-proxy" --config="$STATE/kube-proxy-config.yaml"
wait_for kube-proxy "$NODE_BIN/kube-proxy" "kube-proxy's first sync of the Service rules" kube_proxy_synced
fence_first
log "kube-proxy synced the Service rules in $(since "$TP")s"
echo "$CONFIG_HASH" >"$STATE/run/config.hash"

cat >"$STATE/env" <<EOF
# Written by test/env/node/start.sh; source it (after $SLIPWAY_K8S_STATE/env) to reach the node.
export SLIPWAY_NODE_NAME="$NODE_NAME"
export SLIPWAY_NODE_IP="$NODE_IP"
export SLIPWAY_NODE_STATE="$STATE"
export SLIPWAY_NODE_BIN="$NODE_BIN"
export SLIPWAY_NODE_CONTAINERD="$CONTAINERD_SOCK"   # ctr --address \$SLIPWAY_NODE_CONTAINERD -n k8s.io ...
export SLIPWAY_NODE_POD_CIDR="$POD_CIDR"
export SLIPWAY_NODE_CLUSTER_DNS="$CLUSTER_DNS"      # CoreDNS, port 53; zone $CLUSTER_DOMAIN
EOF
echo "$NODE_NAME"
