#!/usr/bin/env bash
# Smoke check of the real test node: starts it if needed (start.sh is idempotent), pushes
# the Node.js stand-in image (slipway-local/node:20-bookworm-slim, built by test/env/images.sh)
# to the test registry, and in a throwaway namespace checks that
#   - the node is Ready, tainted and labelled,
#   - a pod pulled with an imagePullSecret (cold: the image is first removed from the node)
#     runs an HTTP server answering 500: it stays 0/1 Running, its readiness probe fails with
#     the Event "Readiness probe failed: HTTP probe failed with statuscode: 500", the host
#     reaches it on its pod IP, and `kubectl logs` shows its output,
#   - a pod run as an arbitrary uid (1000780000, gid 0) starts (warm pull), `kubectl exec`
#     works in it, it reaches the other pod over the bridge, and cannot connect to the host,
#   - a container exiting 1 crash-loops: restartCount rising, lastState.terminated exit 1,
#     a BackOff Event,
# prints timings, then deletes the namespace. Leaves the node running (stop.sh stops it).
# Needs the test stack of test/env/start.sh (dockerd, registry). Bounded: about 1-2 minutes.
# Exit code 0 only if every check passed; ends with "smoke: N passed, N failed".
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SLIPWAY_STATE="${SLIPWAY_STATE:-$HOME/.cache/slipway/state}"
export SLIPWAY_K8S_STATE="${SLIPWAY_K8S_STATE:-$SLIPWAY_STATE/k8s}"
export SLIPWAY_NODE_STATE="${SLIPWAY_NODE_STATE:-$SLIPWAY_STATE/node}"

T_START=$(date +%s.%N)
"$HERE/start.sh" >/dev/null 2>"${TMPDIR:-/tmp}/node-smoke-start.$$" \
  || { cat "${TMPDIR:-/tmp}/node-smoke-start.$$" >&2; echo "smoke: start.sh failed" >&2; exit 1; }
T_STARTED=$(date +%s.%N)
START_LOG="$(cat "${TMPDIR:-/tmp}/node-smoke-start.$$")"; rm -f "${TMPDIR:-/tmp}/node-smoke-start.$$"
# shellcheck disable=SC1091
source "$SLIPWAY_K8S_STATE/env"
# shellcheck disable=SC1091
source "$SLIPWAY_NODE_STATE/env"
k() { "$SLIPWAY_K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG" "$@"; }
ctr_node() { ctr --address "$SLIPWAY_NODE_CONTAINERD" --namespace k8s.io "$@"; }

REGISTRY="${SLIPWAY_REGISTRY_ADDR:-127.0.0.1:5000}"
SOURCE_IMAGE=slipway-local/node:20-bookworm-slim
IMAGE="$REGISTRY/slipway-node-smoke/node:20-bookworm-slim"
NS="slipway-node-smoke-$$"
PASS=0; FAIL=0
ok()   { PASS=$((PASS + 1)); echo "ok   - $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

DOCKER_CONFIG_TMP="$(mktemp -d)"
cleanup() {
  rm -rf "$DOCKER_CONFIG_TMP"
  k delete namespace "$NS" --wait=true --timeout=60s >/dev/null 2>&1 \
    || echo "smoke: warning: namespace $NS not deleted within 60s" >&2
}
trap cleanup EXIT

# poll SECONDS DESCRIPTION COMMAND...: retry until the command succeeds (no sleeps as sync).
poll() {
  local secs="$1" what="$2"; shift 2
  local deadline=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -ge "$deadline" ] && { fail "$what (not within ${secs}s)"; return 1; }
    sleep 0.2
  done
  ok "$what"
}
jp() { k -n "$NS" get pod "$1" -o jsonpath="$2" 2>/dev/null; }
is() { [ "$(jp "$1" "$2")" = "$3" ]; }           # pod jsonpath expected
at_least() { [ "$(jp "$1" "$2")" -ge "$3" ] 2>/dev/null; }
event() { # pod reason substring: an Event of that reason whose message contains substring
  grep -qF "$3" <<<"$(k -n "$NS" get events --field-selector "involvedObject.name=$1,reason=$2" \
    -o jsonpath='{range .items[*]}{.message}{"\n"}{end}' 2>/dev/null)"
}

# ---------------------------------------------------------------- the node
if is_ready="$(k get node "$SLIPWAY_NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" \
   && [ "$is_ready" = True ]; then ok "node $SLIPWAY_NODE_NAME is Ready"; else fail "node $SLIPWAY_NODE_NAME is Ready"; fi
if [ "$(k get node "$SLIPWAY_NODE_NAME" -o jsonpath='{.spec.taints[?(@.key=="slipway.dev/real-node")].effect}')" = NoSchedule ] \
   && [ "$(k get node "$SLIPWAY_NODE_NAME" -o jsonpath='{.metadata.labels.slipway\.dev/node}')" = real ]; then
  ok "node has taint slipway.dev/real-node:NoSchedule and label slipway.dev/node=real"
else
  fail "node has taint slipway.dev/real-node:NoSchedule and label slipway.dev/node=real"
fi

# ---------------------------------------------------------------- image in the registry
export DOCKER_HOST="${DOCKER_HOST:-unix://$SLIPWAY_STATE/docker/docker.sock}"
REGISTRY_PASSWORD="$(cat "$SLIPWAY_STATE/registry/password" 2>/dev/null)" \
  || { fail "registry password in $SLIPWAY_STATE/registry/password (run test/env/start.sh)"; exit 1; }
docker image inspect "$SOURCE_IMAGE" >/dev/null 2>&1 \
  || { fail "$SOURCE_IMAGE exists in the test dockerd (run test/env/start.sh)"; exit 1; }
# A throwaway docker config: the login must not land in anyone's ~/.docker.
if echo "$REGISTRY_PASSWORD" | DOCKER_CONFIG="$DOCKER_CONFIG_TMP" docker login -u slipway --password-stdin "$REGISTRY" >/dev/null 2>&1 \
   && docker tag "$SOURCE_IMAGE" "$IMAGE" \
   && DOCKER_CONFIG="$DOCKER_CONFIG_TMP" timeout 120 docker push -q "$IMAGE" >/dev/null; then
  ok "pushed $IMAGE"
else
  fail "pushed $IMAGE"; exit 1
fi
# Cold pull: the node must fetch the image from the registry, not find it in its store.
# The CRI keeps three records per pulled image (tag, repo@digest, sha256:<config id>), and
# its content stays while any of them does: remove every record of this smoke image.
SMOKE_DIGESTS="$(ctr_node images ls 2>/dev/null | awk -v r="${IMAGE%:*}" 'index($1, r) == 1 { print $3 }' | sort -u)"
if [ -n "$SMOKE_DIGESTS" ]; then
  # shellcheck disable=SC2046
  ctr_node images rm --sync $(ctr_node images ls 2>/dev/null | awk -v r="${IMAGE%:*}" -v d="$SMOKE_DIGESTS" '
    BEGIN { split(d, a, "\n"); for (i in a) want[a[i]] = 1 }
    NR > 1 && want[$3] && (index($1, r) == 1 || $1 ~ /^sha256:/) { print $1 }') >/dev/null 2>&1 || true
fi

k create namespace "$NS" >/dev/null
k label namespace "$NS" app.kubernetes.io/managed-by=slipway-test-env >/dev/null
k -n "$NS" create secret docker-registry registry-pull --docker-server="$REGISTRY" \
  --docker-username=slipway --docker-password="$REGISTRY_PASSWORD" >/dev/null
poll 30 "namespace $NS has its default ServiceAccount" k -n "$NS" get serviceaccount default

pod() { # name securityContext-json command-json [extra container yaml]: a pod for the real node
  k -n "$NS" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $1
  labels: {app.kubernetes.io/name: $1, app.kubernetes.io/managed-by: slipway-test-env}
spec:
  nodeSelector: {slipway.dev/node: real}
  tolerations: [{key: slipway.dev/real-node, operator: Exists, effect: NoSchedule}]
  imagePullSecrets: [{name: registry-pull}]
  securityContext: $2
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: $IMAGE
    imagePullPolicy: IfNotPresent
    command: $3
${4:-}
EOF
}

# ---------------------------------------------------------------- never-ready HTTP server
HTTP500='["node", "-e", "require(\"http\").createServer((q, s) => { s.statusCode = 500; s.end(\"not ready\\n\"); }).listen(8080, () => console.log(\"listening on 8080\"))"]'
T_WEB=$(date +%s.%N)
pod web '{}' "$HTTP500" '    readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1, failureThreshold: 1}'
poll 120 "web: Running (cold pull from $REGISTRY with an imagePullSecret)" is web '{.status.phase}' Running
WEB_RUNNING="$(since "$T_WEB")"
COLD_PULL="$(k -n "$NS" get events --field-selector involvedObject.name=web,reason=Pulled \
  -o jsonpath='{.items[0].message}' 2>/dev/null | sed -n 's/.* in \([0-9.]*m*s\) .*Image size: \([0-9]*\) bytes.*/\1 (\2 bytes)/p')"
poll 30 "web: Event 'Readiness probe failed: HTTP probe failed with statuscode: 500'" \
  event web Unhealthy "Readiness probe failed: HTTP probe failed with statuscode: 500"
if is web '{.status.containerStatuses[0].ready}' false && is web '{.status.phase}' Running \
   && grep -qE '^web +0/1 +Running' <<<"$(k -n "$NS" get pod web --no-headers)"; then
  ok "web: stays 0/1 Running"
else
  fail "web: stays 0/1 Running (got: $(k -n "$NS" get pod web --no-headers 2>&1))"
fi
WEB_IP="$(jp web '{.status.podIP}')"
code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$WEB_IP:8080/" 2>/dev/null)"
if [ "$code" = 500 ]; then ok "host -> pod $WEB_IP:8080 answers 500"; else fail "host -> pod $WEB_IP:8080 answers 500 (got '$code')"; fi
if grep -q "listening on 8080" <<<"$(k -n "$NS" logs web 2>&1)"; then ok "kubectl logs web"; else
  fail "kubectl logs web (got: $(k -n "$NS" logs web 2>&1 | head -c 300))"; fi

# ---------------------------------------------------------------- arbitrary uid + crash loop
T_UID=$(date +%s.%N)
pod uid '{runAsUser: 1000780000, runAsGroup: 0, runAsNonRoot: true}' '["node", "-e", "setInterval(() => {}, 1 << 30)"]' \
  '    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}'
pod crash '{}' '["node", "-e", "console.error(\"exiting with 1\"); process.exit(1)"]'
poll 60 "uid: Running as uid 1000780000 (image already on the node)" is uid '{.status.phase}' Running
UID_RUNNING="$(since "$T_UID")"
if event uid Pulled "already present on machine"; then ok "uid: image already present (warm)"; else fail "uid: image already present (warm)"; fi
ids="$(k -n "$NS" exec uid -- node -e 'console.log(process.getuid() + ":" + process.getgid())' 2>&1)"
if [ "$ids" = "1000780000:0" ]; then ok "kubectl exec uid: uid:gid 1000780000:0"; else fail "kubectl exec uid: uid:gid 1000780000:0 (got '$ids')"; fi
# Pod -> pod over the bridge; pod -> this host (the kubelet's port on the node IP) refused.
out="$(k -n "$NS" exec uid -- node -e "
  require('http').get('http://$WEB_IP:8080/', r => console.log('pod', r.statusCode)).on('error', e => console.log('pod', e.code));
  const s = require('net').connect(21250, '$SLIPWAY_NODE_IP');
  s.setTimeout(3000, () => { console.log('host TIMEOUT'); s.destroy(); });
  s.on('connect', () => { console.log('host CONNECTED'); s.destroy(); }).on('error', e => console.log('host', e.code));" 2>&1)"
if grep -qx 'pod 500' <<<"$out"; then ok "pod -> pod $WEB_IP:8080 answers 500"; else fail "pod -> pod $WEB_IP:8080 answers 500 (got: $out)"; fi
if grep -qx 'host EHOSTUNREACH' <<<"$out"; then ok "pod -> host $SLIPWAY_NODE_IP:21250 refused (EHOSTUNREACH)"; else
  fail "pod -> host $SLIPWAY_NODE_IP:21250 refused (got: $out)"; fi

# A real kubelet shows CrashLoopBackOff only between back-offs (10s, 20s, ...): judge the
# loop by restartCount and lastState, and by the BackOff Event.
poll 90 "crash: restartCount >= 2" at_least crash '{.status.containerStatuses[0].restartCount}' 2
if is crash '{.status.containerStatuses[0].lastState.terminated.exitCode}' 1; then ok "crash: lastState.terminated.exitCode 1"; else
  fail "crash: lastState.terminated.exitCode 1 (got '$(jp crash '{.status.containerStatuses[0].lastState}')')"; fi
poll 30 "crash: Event BackOff 'Back-off restarting failed container'" event crash BackOff "Back-off restarting failed container"

echo "timings: start.sh $(awk -v a="$T_START" -v b="$T_STARTED" 'BEGIN { printf "%.1f", b - a }')s$(grep -o 'Ready [0-9.]*s after containerd started' <<<"$START_LOG" | sed 's/^/, node /')"
echo "timings: cold pull ${COLD_PULL:-?}; web pod created -> Running ${WEB_RUNNING}s; uid pod (warm) created -> Running ${UID_RUNNING}s"
echo "smoke: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
