#!/usr/bin/env bash
# Stops the test node started by start.sh and removes what it left outside its state dir.
# Never by process name alone: processes by the pids start.sh recorded, shims by the
# containerd socket they serve, containers by the node's cgroup, network namespaces by the
# pod range they hold, files by the names and paths that are the node's.
# Idempotent: runs fine on a node that is stopped, half-started or crashed.
#
#   stop.sh                     stop; delete the Node object; keep certs and pulled images
#   stop.sh --keep-node-object  same, but leave the Node in the API (start.sh's restart:
#                               pods bound to the node come back with the kubelet)
#   stop.sh --purge             stop and delete the state dir (pulled images included)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${SLIPWAY_NODE_STATE:-$HOME/.cache/slipway/state/node}"
K8S_STATE="${SLIPWAY_K8S_STATE:-$HOME/.cache/slipway/state/k8s}"
# shellcheck source=test/env/node/config.sh
source "$HERE/config.sh"
PURGE=0 KEEP_NODE=0
for a in "$@"; do
  case "$a" in
    --purge) PURGE=1 ;;
    --keep-node-object) KEEP_NODE=1 ;;
    *) echo "usage: stop.sh [--keep-node-object] [--purge]" >&2; exit 2 ;;
  esac
done
log() { echo "node/stop.sh: $*" >&2; }

source "$(dirname "${BASH_SOURCE[0]}")/../k8s/common.sh"

# 1. The kubelet first, so it does not restart what is torn down below; then kube-proxy and
#    CoreDNS (the path of kube-proxy's binary is read while it runs: step 5 runs it again).
stop_recorded kubelet "$STATE/run/kubelet.pid"
KUBE_PROXY_BIN=""
if [ -f "$STATE/run/kube-proxy.pid" ]; then
  { IFS= read -r -d '' KUBE_PROXY_BIN <"/proc/$(cat "$STATE/run/kube-proxy.pid")/cmdline"; } 2>/dev/null || true
  [ "${KUBE_PROXY_BIN##*/}" = kube-proxy ] || KUBE_PROXY_BIN=""
fi
if [ -z "$KUBE_PROXY_BIN" ] && [ -f "$STATE/env" ]; then
  # shellcheck disable=SC1091
  KUBE_PROXY_BIN="$(. "$STATE/env" && echo "${SLIPWAY_NODE_BIN:-}/kube-proxy")"
fi
stop_recorded kube-proxy "$STATE/run/kube-proxy.pid"
stop_recorded coredns "$STATE/run/coredns.pid"

# 2. Containers, while containerd still answers: kill and delete every task and container
#    of the node's namespace (this also ends their shims and releases their snapshots).
CTR=(ctr --address "$CONTAINERD_SOCK" --namespace k8s.io --timeout 10s)
if [ -S "$CONTAINERD_SOCK" ] && "${CTR[@]}" version >/dev/null 2>&1; then
  n=0
  for id in $("${CTR[@]}" containers ls -q 2>/dev/null); do
    "${CTR[@]}" tasks delete --force "$id" >/dev/null 2>&1 || true
    "${CTR[@]}" containers delete "$id" >/dev/null 2>&1 || true
    n=$((n + 1))
  done
  [ "$n" = 0 ] || log "removed $n containers/sandboxes"
fi
stop_recorded containerd "$STATE/run/containerd.pid"

# 3. Whatever survived (containerd crashed earlier, say): shims serving our socket, then
#    any process still in the node's cgroups.
for d in /proc/[0-9]*; do
  cmd="$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null)" || continue
  case "$cmd" in
    *containerd-shim*"-address $CONTAINERD_SOCK "*)
      if kill -KILL "${d#/proc/}" 2>/dev/null; then log "killed shim ${d#/proc/}"; fi ;;
  esac
done
if [ -d "/sys/fs/cgroup/pids$CGROUP_ROOT" ]; then
  for _ in 1 2 3; do
    pids="$(find "/sys/fs/cgroup/pids$CGROUP_ROOT" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u)"
    [ -n "$pids" ] || break
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    sleep 0.3
  done
fi

# 4. Mounts under the state dir (pod volumes, sandbox /dev/shm, rootfs snapshots), deepest first.
if [ -d "$STATE" ]; then
  findmnt -rn -o TARGET | awk -v p="$STATE/" 'index($0, p) == 1' | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
  done
fi

# 5. Network: kube-proxy's rules, the pods' namespaces (identified by an address in the
#    node's pod range), the bridge, libcni's result cache for our network, our iptables chains.
#    `kube-proxy --cleanup` removes every KUBE-* chain and jump (iptables and ip6tables, every
#    table): skipped while another kube-proxy runs on this machine, whose rules those would be.
running() { # name: 0 if a process whose argv[0] is that binary runs on this machine
  local d argv0
  for d in /proc/[0-9]*; do
    argv0=""; { IFS= read -r -d '' argv0 <"$d/cmdline"; } 2>/dev/null || continue
    if [ "${argv0##*/}" = "$1" ]; then return 0; fi
  done
  return 1
}
kube_chains() { { iptables-save; ip6tables-save; } 2>/dev/null | grep -c '^:KUBE-' || true; }
if running kube-proxy; then
  log "another kube-proxy runs on this machine: leaving the KUBE-* rules to it"
elif [ "$(kube_chains)" != 0 ]; then
  if [ -x "$KUBE_PROXY_BIN" ]; then
    # It also tries the nftables and IPVS modes' leftovers; their tools may be missing here,
    # and its exit status says so: what counts is what remains.
    "$KUBE_PROXY_BIN" --cleanup >>"$STATE/logs/kube-proxy.log" 2>&1 || true
  fi
  # KUBE-FIREWALL (jumped to from INPUT and OUTPUT) is the kubelet's chain, which kube-proxy
  # makes too and --cleanup leaves to the kubelet; ours makes none (makeIPTablesUtilChains).
  if ! running kubelet; then
    for ipt in iptables ip6tables; do
      for c in INPUT OUTPUT; do while "$ipt" -D "$c" -j KUBE-FIREWALL 2>/dev/null; do :; done; done
      if "$ipt" -F KUBE-FIREWALL 2>/dev/null; then "$ipt" -X KUBE-FIREWALL 2>/dev/null || true; fi
    done
  fi
  left="$(kube_chains)"
  if [ "$left" = 0 ]; then log "removed kube-proxy's rules"; else log "$left KUBE-* chains left (kube-proxy --cleanup: ${KUBE_PROXY_BIN:-no binary found})"; fi
fi
for ns in /run/netns/cni-*; do
  [ -e "$ns" ] || continue
  name="${ns##*/}"
  if grep -q " inet ${POD_CIDR%.*}\." <<<"$(ip -n "$name" -4 -o addr show 2>/dev/null)"; then
    if ip netns delete "$name" 2>/dev/null; then log "removed netns $name"; fi
  fi
done
rmdir /run/netns 2>/dev/null || true   # the CRI made it; empty unless someone else uses it
if ip link show "$NODE_BRIDGE" >/dev/null 2>&1; then
  ip link delete "$NODE_BRIDGE" && log "removed bridge $NODE_BRIDGE"
fi
# Each sandbox has two: "<network>-<sandbox id>-eth0" and the CRI's "cni-loopback-<id>-lo".
for f in /var/lib/cni/results/"$CNI_NETWORK"-*-eth0; do
  [ -e "$f" ] || continue
  id="${f##*/"$CNI_NETWORK"-}"; id="${id%-eth0}"
  rm -f "$f" "/var/lib/cni/results/cni-loopback-$id-lo"
done
rmdir /var/lib/cni/results /var/lib/cni 2>/dev/null || true
while iptables -D INPUT -i "$NODE_BRIDGE" -j "$IPT_INPUT" 2>/dev/null; do :; done
while iptables -D FORWARD -j "$IPT_FORWARD" 2>/dev/null; do :; done
for c in "$IPT_INPUT" "$IPT_FORWARD"; do
  if iptables -F "$c" 2>/dev/null; then iptables -X "$c"; fi
done
# host-local's leases: every pod is gone, so every address is free again.
rm -rf "$STATE/cni/ipam"

# 6. Files the kubelet writes to fixed paths whatever its root dir: the /var/log/containers
#    links into our pod logs, and the device-plugin socket (unless another kubelet runs).
for l in /var/log/containers/*; do
  [ -L "$l" ] || continue
  case "$(readlink "$l")" in "$STATE/"*) rm -f "$l" ;; esac
done
rmdir /var/log/containers 2>/dev/null || true
if ! running kubelet; then
  rm -f /var/lib/kubelet/device-plugins/kubelet.sock /var/lib/kubelet/device-plugins/kubelet_internal_checkpoint \
    /var/lib/kubelet/device-plugins/DEPRECATION
  rmdir /var/lib/kubelet/device-plugins /var/lib/kubelet 2>/dev/null || true
fi

# 7. The node's cgroups, leaves first (a cgroup with children or tasks cannot be removed).
for h in /sys/fs/cgroup/*/; do
  [ -d "$h${CGROUP_ROOT#/}" ] || continue
  find "$h${CGROUP_ROOT#/}" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  if [ -d "$h${CGROUP_ROOT#/}" ]; then log "cgroup $h${CGROUP_ROOT#/} still in use"; fi
done
rm -f "$STATE/run/config.hash"

# 8. The Node object: nothing else would ever mark it NotReady (the control plane runs no
#    node lifecycle controller), so a stopped node must not stay in the API looking Ready.
#    Its pods are then removed by the pod GC.
if [ "$KEEP_NODE" = 0 ] && [ -f "$K8S_STATE/env" ]; then
  # shellcheck disable=SC1091
  KUBECTL_BIN="$(. "$K8S_STATE/env" && echo "$SLIPWAY_K8S_BIN/kubectl")"
  if [ -x "$KUBECTL_BIN" ] && [[ "$("$KUBECTL_BIN" --kubeconfig "$K8S_STATE/kubeconfig" --request-timeout=5s \
       delete node "$NODE_NAME" --ignore-not-found --wait=false 2>/dev/null)" == *deleted* ]]; then
    log "deleted Node $NODE_NAME"
  fi
fi

if [ "$PURGE" = 1 ]; then
  if [ -f "$STATE/.slipway-node-state" ]; then
    rm -rf --one-file-system "$STATE"; log "removed $STATE"
  elif [ -e "$STATE" ]; then
    log "not purging '$STATE': no .slipway-node-state marker, not a node/start.sh state dir"
  fi
fi
