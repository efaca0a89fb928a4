#!/usr/bin/env bash
# Starts a real, local Kubernetes control plane for tests:
#   etcd -> kube-apiserver -> kube-controller-manager, kube-scheduler, kwok
# plus fake Nodes (kwok plays their kubelets, driven by ./stages/*.yaml), a default
# StorageClass "standard" and pre-created hostPath PersistentVolumes so PVCs bind.
#
# Everything listens on 127.0.0.1 only. The service/pod CIDRs below are settings
# that end up in API objects; nothing routes to them and nothing may send traffic
# to them.
#
# Idempotent: if the cluster in $SLIPWAY_K8S_STATE is already up and healthy this
# only re-checks it (and restarts kwok if ./stages changed). Leftovers of a crashed
# run are stopped first. Certificates and etcd data are kept across restarts; use
# `stop.sh --purge` for a clean slate.
#
# Env (all optional):
#   SLIPWAY_K8S_STATE          state dir                (default ~/.cache/slipway/state/k8s)
#   SLIPWAY_K8S_NODES          number of fake nodes     (default 2)
#   SLIPWAY_K8S_APISERVER_PORT                          (default 16443)
#   SLIPWAY_K8S_TIMEOUT        seconds to wait for each component (default 120)
# Output: the last stdout line is the kubeconfig path. $STATE/env is a
# shell-sourceable file with KUBECONFIG, the bin dir and the ports.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${SLIPWAY_K8S_STATE:-$HOME/.cache/slipway/state/k8s}"
NODES="${SLIPWAY_K8S_NODES:-2}"
TIMEOUT="${SLIPWAY_K8S_TIMEOUT:-120}"

# Uncommon ports so a developer's own cluster/etcd (2379, 6443, 10257, ...) can run
# alongside.
ETCD_CLIENT_PORT=23790
ETCD_PEER_PORT=23800
APISERVER_PORT="${SLIPWAY_K8S_APISERVER_PORT:-16443}"
KCM_PORT=20257        # kube-controller-manager healthz (https)
SCHEDULER_PORT=20259  # kube-scheduler healthz (https)
KWOK_PORT=20250       # kwok's kubelet-like server (https): /healthz, and what the
                      # apiserver dials for logs/exec. Node IPs are 127.0.0.1 so
                      # even that traffic stays on loopback.
SERVICE_CIDR=10.96.0.0/16   # setting only, see above
POD_CIDR=10.244.0.0/16      # setting only: kwok writes pod IPs from it

log() { echo "start.sh: $*" >&2; }
die() { echo "start.sh: ERROR: $*" >&2; exit 1; }

BIN="$("$HERE/build.sh" | tail -n1)"
[ -x "$BIN/kube-apiserver" ] || die "build.sh did not produce binaries in '$BIN'"
KUBECTL=("$BIN/kubectl" --kubeconfig "$STATE/kubeconfig")

mkdir -p "$STATE"/{pki,logs,run,kubeconfigs,manifests,etcd}
touch "$STATE/.slipway-k8s-state"   # lets `stop.sh --purge` know this dir is ours
chmod 700 "$STATE/pki" "$STATE/etcd"   # etcd refuses a data dir readable by others
PKI="$STATE/pki"

# ---------------------------------------------------------------- helpers
pid_alive() { # name -> 0 if the pid file names a live process running that binary
  local f="$STATE/run/$1.pid" pid argv0=""
  [ -f "$f" ] || return 1
  pid="$(cat "$f")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # Check argv[0] too: after a reboot the pid may belong to anything. (read, not
  # `tr | grep -q`: grep quitting early can SIGPIPE tr, and pipefail would turn
  # that into a false "dead".)
  { IFS= read -r -d '' argv0 <"/proc/$pid/cmdline"; } 2>/dev/null || true
  # "setsid": just launched, setsid has not exec'd the binary yet. Seen as dead, start.sh waited
  # on the live process for ever (hung on a healthy etcd); before the restarts, it died saying
  # the component had exited, with nothing in its log.
  [ "$argv0" = "$BIN/$1" ] || [ "$argv0" = setsid ]
}

start_bg() { # name args... : start a binary from $BIN detached, log + pid in $STATE
  local name="$1"; shift
  # Kept so wait_for can start it again with the same flags (paths only, no secrets).
  printf '%s\0' "$@" >"$STATE/run/$name.args"
  launch "$name"
}

launch() { # name : (re)start a component with the flags start_bg saved
  local name="$1" args=()
  mapfile -d '' args <"$STATE/run/$name.args"
  log "starting $name (log: $STATE/logs/$name.log)"
  # Where this start's output begins, so a failure shows its own lines and not the
  # previous run's (the log is appended to across restarts).
  stat -c %s "$STATE/logs/$name.log" >"$STATE/run/$name.logstart" 2>/dev/null \
    || echo 0 >"$STATE/run/$name.logstart"
  # setsid: own session, so a Ctrl-C aimed at the test runner that called us does
  # not take the cluster down mid-teardown; stop.sh ends it by pid instead.
  # 8>&-: the daemon must not inherit start.sh's lock fd, or it would hold the
  # lock for its whole life and the next start.sh would wait forever.
  setsid "$BIN/$name" "${args[@]}" >>"$STATE/logs/$name.log" 2>&1 </dev/null 8>&- &
  echo $! >"$STATE/run/$name.pid"
}

show_log() { # name : the last lines this start of the component wrote
  local from
  from="$(cat "$STATE/run/$1.logstart" 2>/dev/null || echo 0)"
  if [ "$(stat -c %s "$STATE/logs/$1.log" 2>/dev/null || echo 0)" -gt "$from" ]; then
    tail -c +"$((from + 1))" "$STATE/logs/$1.log" | tail -n 30 >&2 || true
  else
    log "$1 wrote nothing to its log this time"
  fi
}

# A component that dies while starting is started again, twice at most: one CI run
# saw kube-controller-manager vanish in its first second without a line of output
# (killed from outside, by its silence), which a second start would have survived.
# A component that cannot start fails the same way three times, with its log shown.
declare -A STARTS=()
wait_for() { # name description command... : poll until command succeeds or deadline
  local name="$1" what="$2"; shift 2
  local deadline=$(( $(date +%s) + TIMEOUT )) pid status
  until "$@" >/dev/null 2>&1; do
    if ! pid_alive "$name"; then
      pid="$(cat "$STATE/run/$name.pid" 2>/dev/null || true)"
      status=unknown
      # Our own child: wait gives its exit status (128+N: killed by signal N).
      if [ -n "$pid" ]; then wait "$pid" 2>/dev/null && status=0 || status=$?; fi
      show_log "$name"
      STARTS[$name]=$(( ${STARTS[$name]:-1} + 1 ))
      if [ "${STARTS[$name]}" -le 3 ] && [ -f "$STATE/run/$name.args" ]; then
        log "$name exited (status $status) while waiting for $what; start ${STARTS[$name]} of 3"
        launch "$name"
        deadline=$(( $(date +%s) + TIMEOUT ))
        continue
      fi
      die "$name exited (status $status) while waiting for $what; full log: $STATE/logs/$name.log"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      show_log "$name"
      die "timed out after ${TIMEOUT}s waiting for $what; full log: $STATE/logs/$name.log"
    fi
    sleep 0.5
  done
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# curl as cluster-admin against the apiserver (works before kubectl is configured).
api_get() { curl -fsS --max-time 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
  "https://127.0.0.1:$APISERVER_PORT$1"; }

# Parallel test workers may all call start.sh: one starts, the others wait and
# then find it running.
exec 8>"$STATE/run/start.lock"
flock 8

# ---------------------------------------------------------------- kwok's pod IPs stay here
# kwok writes pod IPs from POD_CIDR, which no interface of this machine has: a connection to
# one (the API server's pod or service proxy to a kwok pod, kube-proxy's DNAT to a kwok
# endpoint) would follow the default route off the machine. Refused at the source instead, on
# every start, also when the cluster was already running. stop.sh removes it.
KWOK_FENCE=SLIPWAY-KWOK-PODS
iptables -N "$KWOK_FENCE" 2>/dev/null || iptables -F "$KWOK_FENCE"
iptables -A "$KWOK_FENCE" -d "$POD_CIDR" -j REJECT --reject-with icmp-net-prohibited
iptables -C OUTPUT -j "$KWOK_FENCE" 2>/dev/null || iptables -I OUTPUT -j "$KWOK_FENCE"

# ---------------------------------------------------------------- already up?
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
STAGES_HASH="$(cat "$HERE"/stages/*.yaml | sha256sum | cut -c1-16)"

all_up=1
for c in "${COMPONENTS[@]}"; do pid_alive "$c" || all_up=0; done
if [ "$all_up" = 1 ] && [ -f "$STATE/kubeconfig" ] && api_get /readyz >/dev/null 2>&1; then
  if [ "$(cat "$STATE/run/stages.hash" 2>/dev/null)" != "$STAGES_HASH" ]; then
    # kwok reads Stages from files at start-up only.
    log "stages changed: restarting kwok"
    kwok_pid="$(cat "$STATE/run/kwok.pid")"
    kill "$kwok_pid"
    # Its port must be free before the new one binds it.
    for _ in $(seq 1 100); do kill -0 "$kwok_pid" 2>/dev/null || break; sleep 0.1; done
    RESTART_KWOK_ONLY=1
  else
    log "already running (state: $STATE)"
    "$HERE/storage.sh" "$STATE" "$BIN"
    echo "$STATE/kubeconfig"
    exit 0
  fi
else
  # Something is missing or dead: clear leftovers so we start from a known state.
  if ls "$STATE"/run/*.pid >/dev/null 2>&1; then
    log "cluster incomplete or unhealthy; stopping leftovers first"
    "$HERE/stop.sh" >&2
  fi
  for p in $ETCD_CLIENT_PORT $ETCD_PEER_PORT "$APISERVER_PORT" $KCM_PORT $SCHEDULER_PORT $KWOK_PORT; do
    port_free "$p" || die "127.0.0.1:$p is in use by another process (another cluster with a different SLIPWAY_K8S_STATE?)"
  done
  RESTART_KWOK_ONLY=0
fi

# ---------------------------------------------------------------- PKI (once)
# One throwaway CA signs everything. Keys stay in the state dir; nothing is trusted
# system-wide.
sign() { # name subject [extfile-content] : key + cert signed by the CA
  local name="$1" subj="$2" ext="${3:-}"
  [ -f "$PKI/$name.crt" ] && return 0
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  printf '%s\n' "$ext" >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}
if [ ! -f "$PKI/ca.crt" ]; then
  log "generating certificates in $PKI"
  openssl genrsa -out "$PKI/ca.key" 2048 2>/dev/null
  openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=slipway-test-ca" -days 3650 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$PKI/ca.crt" 2>/dev/null
fi
CLIENT_EXT="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
# 10.96.0.1 is the in-cluster address of the "kubernetes" Service: a name in the
# cert, never dialled from here.
sign apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
sign kwok-serving "/CN=kwok" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost"
# system:masters = cluster-admin, bypassing RBAC: for the test harness itself.
# Slipway's own RBAC is tested through ServiceAccounts, which RBAC does govern.
sign admin "/O=system:masters/CN=slipway-admin" "$CLIENT_EXT"
sign front-proxy-client "/CN=front-proxy-client" "$CLIENT_EXT"
# Controller-manager and scheduler use their real identities so the built-in
# RBAC roles are exercised as in a production cluster.
sign controller-manager "/CN=system:kube-controller-manager" "$CLIENT_EXT"
sign scheduler "/CN=system:kube-scheduler" "$CLIENT_EXT"
# kwok acts as every node's kubelet; a single system:node identity could not
# (NodeRestriction), so it is given admin rights.
sign kwok "/O=system:masters/CN=kwok" "$CLIENT_EXT"
# What the apiserver presents to kubelets (logs, exec, port-forward). kwok ignores it;
# a real kubelet (test/env/node) checks it against the CA and asks the apiserver whether
# this user may use the kubelet API (node/start.sh binds it to system:kubelet-api-admin).
sign apiserver-kubelet-client "/CN=kube-apiserver-kubelet-client" "$CLIENT_EXT"
if [ ! -f "$PKI/sa.key" ]; then
  openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
fi

write_kubeconfig() { # file cert-name
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: slipway-test
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $(base64 -w0 <"$PKI/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $(base64 -w0 <"$PKI/$2.crt")
    client-key-data: $(base64 -w0 <"$PKI/$2.key")
contexts:
- name: slipway-test
  context:
    cluster: slipway-test
    user: $2
current-context: slipway-test
EOF
  chmod 600 "$1"
}
# Certificates are embedded so each kubeconfig works when copied elsewhere.
write_kubeconfig "$STATE/kubeconfig" admin
for c in controller-manager scheduler kwok; do write_kubeconfig "$STATE/kubeconfigs/$c.kubeconfig" "$c"; done

T0=$(date +%s)
if [ "$RESTART_KWOK_ONLY" = 0 ]; then
# ---------------------------------------------------------------- etcd
# Plain http is fine: it listens on loopback only and only the apiserver talks to it.
# --unsafe-no-fsync: test data is disposable, and fsync dominates etcd latency on
# shared CI disks.
start_bg etcd \
  --name slipway --data-dir "$STATE/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "slipway=http://127.0.0.1:$ETCD_PEER_PORT" \
  --unsafe-no-fsync --auto-compaction-retention=1 --log-level=warn
wait_for etcd "etcd /health" curl -fsS --max-time 2 "http://127.0.0.1:$ETCD_CLIENT_PORT/health"

# ---------------------------------------------------------------- kube-apiserver
# TaintNodesByCondition is disabled: it taints every new Node "not-ready" and only
# the nodelifecycle controller (deliberately off, see below) would remove it.
# The requestheader/proxy-client flags set up the front-proxy (aggregation layer):
# without them controller-manager and scheduler log an error every minute, and
# aggregated APIs could not be added later.
# --advertise-address 127.0.0.1: otherwise it advertises the host's first
# interface address, i.e. a non-loopback one. Endpoints may not hold a loopback
# address, so the reconciler that would publish it in the "kubernetes" Endpoints
# is off (it would log a validation error every 10s); the Service still exists.
# No pod runs for real, so nothing in-cluster needs to reach the apiserver.
# --kubelet-preferred-address-types puts InternalIP first: kwok nodes only have one
# (127.0.0.1), and the real node's (test/env/node) is this machine's own address, so
# its name ("slipway-node") need not resolve (default order: Hostname first).
start_bg kube-apiserver \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
  --endpoint-reconciler-type=none \
  --etcd-servers="http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --cert-dir="$PKI/apiserver-generated" \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" \
  --service-account-key-file="$PKI/sa.pub" \
  --service-account-signing-key-file="$PKI/sa.key" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --authorization-mode=Node,RBAC \
  --service-cluster-ip-range="$SERVICE_CIDR" \
  --allow-privileged=true \
  --disable-admission-plugins=TaintNodesByCondition \
  --requestheader-client-ca-file="$PKI/ca.crt" --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" \
  --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
  --kubelet-preferred-address-types=InternalIP,Hostname,InternalDNS,ExternalDNS,ExternalIP \
  --profiling=false
wait_for kube-apiserver "kube-apiserver /readyz on 127.0.0.1:$APISERVER_PORT" api_get /readyz

# ---------------------------------------------------------------- controller-manager
# Only controllers that make sense without real nodes/cloud; nodelifecycle is off
# so nothing evicts pods if a fake node's heartbeat lags under CI load.
# --leader-elect=false: single instance, and it saves the lease-acquire wait.
# (Short names are the documented, permanent aliases of the *-controller names.)
CONTROLLERS=deployment,replicaset,statefulset,daemonset,job,cronjob,namespace,garbagecollector
CONTROLLERS+=,serviceaccount,serviceaccount-token,persistentvolume-binder,ephemeral-volume
CONTROLLERS+=,pvc-protection,pv-protection,endpoint,endpointslice,endpointslicemirroring,disruption
CONTROLLERS+=,podgc,resourcequota,replicationcontroller,root-ca-cert-publisher,ttl-after-finished
CONTROLLERS+=,clusterrole-aggregation,horizontalpodautoscaling,csrsigning,csrapproving,csrcleaner
start_bg kube-controller-manager \
  --kubeconfig="$STATE/kubeconfigs/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$STATE/kubeconfigs/controller-manager.kubeconfig" \
  --authorization-kubeconfig="$STATE/kubeconfigs/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --cert-dir="$PKI/controller-manager-generated" \
  --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
  --use-service-account-credentials=true \
  --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
  --controllers="$CONTROLLERS" \
  --leader-elect=false --profiling=false

# ---------------------------------------------------------------- scheduler
start_bg kube-scheduler \
  --kubeconfig="$STATE/kubeconfigs/scheduler.kubeconfig" \
  --authentication-kubeconfig="$STATE/kubeconfigs/scheduler.kubeconfig" \
  --authorization-kubeconfig="$STATE/kubeconfigs/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$SCHEDULER_PORT" --cert-dir="$PKI/scheduler-generated" \
  --leader-elect=false --profiling=false
fi

# ---------------------------------------------------------------- kwok
# Manages only nodes carrying the annotation below (the ones created here), so a
# test may add Nodes of its own that stay NotReady. Every Stage file is passed
# with --config: kwok does not fall back to built-in stages.
KWOK_ARGS=(
  --kubeconfig="$STATE/kubeconfigs/kwok.kubeconfig"
  --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake
  --cidr="$POD_CIDR" --node-ip=127.0.0.1 --node-port="$KWOK_PORT"
  --server-address="127.0.0.1:$KWOK_PORT"
  --tls-cert-file="$PKI/kwok-serving.crt" --tls-private-key-file="$PKI/kwok-serving.key"
  --node-lease-duration-seconds=40
)
for f in "$HERE"/stages/*.yaml; do KWOK_ARGS+=(--config="$f"); done
start_bg kwok "${KWOK_ARGS[@]}"
echo "$STAGES_HASH" >"$STATE/run/stages.hash"

wait_for kube-controller-manager "kube-controller-manager /healthz" \
  curl -fsSk --max-time 2 "https://127.0.0.1:$KCM_PORT/healthz"
wait_for kube-scheduler "kube-scheduler /healthz" \
  curl -fsSk --max-time 2 "https://127.0.0.1:$SCHEDULER_PORT/healthz"
wait_for kwok "kwok /healthz" curl -fsS --max-time 2 --cacert "$PKI/ca.crt" "https://127.0.0.1:$KWOK_PORT/healthz"

# ---------------------------------------------------------------- cluster objects
# Nodes: status is accepted on create for Nodes, so capacity is set here; kwok's
# node-initialize stage fills in the rest and turns them Ready. No taints: test
# workloads need no tolerations.
NODE_YAML="$STATE/manifests/nodes.yaml"
: >"$NODE_YAML"
for i in $(seq 0 $((NODES - 1))); do
  cat >>"$NODE_YAML" <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/arch: amd64
    kubernetes.io/os: linux
    kubernetes.io/hostname: kwok-node-$i
    topology.kubernetes.io/region: local
    topology.kubernetes.io/zone: local-$((i % 2))
spec: {}
status:
  allocatable: {cpu: "32", memory: 128Gi, pods: "110", ephemeral-storage: 100Gi}
  capacity: {cpu: "32", memory: 128Gi, pods: "110", ephemeral-storage: 100Gi}
EOF
done

# Apply only objects that do not exist yet: re-applying a bound PV would fight
# the PV controller over spec.claimRef.
"${KUBECTL[@]}" create -f "$NODE_YAML" --save-config=false 2>&1 | grep -vE "AlreadyExists" >&2 || true
"$HERE/storage.sh" "$STATE" "$BIN"

wait_for kwok "$NODES Ready node(s)" "${KUBECTL[@]}" wait --for=condition=Ready node -l type=kwok --timeout=2s
# The ServiceAccount admission plugin rejects pods until the serviceaccount
# controller has made the namespace's "default" ServiceAccount.
wait_for kube-controller-manager "ServiceAccount default/default" "${KUBECTL[@]}" get serviceaccount default -n default

cat >"$STATE/env" <<EOF
# Written by test/env/k8s/start.sh; source it to talk to the test cluster.
export KUBECONFIG="$STATE/kubeconfig"
export SLIPWAY_K8S_BIN="$BIN"
export SLIPWAY_K8S_APISERVER="https://127.0.0.1:$APISERVER_PORT"
export SLIPWAY_K8S_STATE="$STATE"
EOF
log "cluster ready in $(( $(date +%s) - T0 ))s: KUBECONFIG=$STATE/kubeconfig (kubectl: $BIN/kubectl)"
echo "$STATE/kubeconfig"
