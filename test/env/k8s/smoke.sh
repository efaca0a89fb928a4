#!/usr/bin/env bash
# Smoke check of the local test cluster: starts it if needed (start.sh is
# idempotent), then checks in a throwaway namespace that
#   - a 2-replica Deployment becomes Ready,
#   - a crash-loop Deployment shows CrashLoopBackOff with a rising restartCount,
#   - a StatefulSet's volumeClaimTemplate PVC binds and its pod becomes Ready,
#   - the other kwok stages (never-ready, image-pull-error, create-config-error,
#     job-succeed, job-fail) produce the statuses documented in README.md,
# then deletes the namespace. Leaves the cluster running (stop.sh stops it).
# Exit code 0 only if every check passed; ends with "smoke: N passed, N failed".
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KUBECONFIG_PATH="$("$HERE/start.sh" | tail -n1)" || { echo "smoke: start.sh failed" >&2; exit 1; }
# shellcheck disable=SC1091
source "$(dirname "$KUBECONFIG_PATH")/env"
k() { "$SLIPWAY_K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_PATH" "$@"; }

NS="slipway-smoke-$$"
PASS=0; FAIL=0
ok()   { PASS=$((PASS + 1)); echo "ok   - $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
check() { local what="$1"; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

cleanup() {
  # --wait: the namespace is only gone once kwok has "stopped" its pods, which
  # also exercises the pod-delete stage and the namespace controller.
  k delete namespace "$NS" --wait=true --timeout=60s >/dev/null 2>&1 \
    || echo "smoke: warning: namespace $NS not deleted within 60s" >&2
}
trap cleanup EXIT

# poll SECONDS DESCRIPTION COMMAND...: retry until the command succeeds.
poll() {
  local secs="$1" what="$2"; shift 2
  local deadline=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -ge "$deadline" ] && { fail "$what (not within ${secs}s)"; return 1; }
    sleep 0.5
  done
  ok "$what"
}

k create namespace "$NS" >/dev/null
# The serviceaccount controller must create "default" before pods are admitted.
poll 30 "namespace $NS has its default ServiceAccount" k -n "$NS" get serviceaccount default

# deploy NAME REPLICAS [ANNOTATIONS-YAML]: a Deployment whose pod template carries
# the given slipway.test/* annotations. The image is never pulled (no kubelet).
deploy() {
  k -n "$NS" apply -f - >/dev/null <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1}
spec:
  replicas: $2
  selector: {matchLabels: {app: $1}}
  template:
    metadata:
      labels: {app: $1}
      annotations: {${3:-}}
    spec:
      containers: [{name: app, image: registry.invalid/slipway/$1:1}]
EOF
}

# jsonpath of the first pod with label app=$1
podjp() { k -n "$NS" get pods -l "app=$1" -o "jsonpath={.items[0]$2}" 2>/dev/null; }
has() { [ "$(podjp "$1" "$2")" = "$3" ]; }

deploy ready 2
deploy crash 1 '"slipway.test/behaviour": "crash-loop", "slipway.test/restart-interval": "1s"'
deploy never 1 '"slipway.test/behaviour": "never-ready"'
deploy pullerr 1 '"slipway.test/behaviour": "image-pull-error"'
deploy cfgerr 1 '"slipway.test/behaviour": "create-config-error", "slipway.test/message": "secret \"db\" not found"'
deploy slow 1 '"slipway.test/ready-after": "3s"'

k -n "$NS" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: registry.invalid/slipway/web:1
        volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: job-ok}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{name: main, image: registry.invalid/slipway/job:1}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: job-bad}
spec:
  backoffLimit: 0
  template:
    metadata:
      annotations: {"slipway.test/behaviour": "job-fail", "slipway.test/exit-code": "3"}
    spec:
      restartPolicy: Never
      containers: [{name: main, image: registry.invalid/slipway/job:1}]
EOF

# ---- the three checks the brief asks for
poll 60 "Deployment 'ready' has 2/2 ready replicas" \
  bash -c "[ \"\$(\"$SLIPWAY_K8S_BIN/kubectl\" --kubeconfig '$KUBECONFIG_PATH' -n $NS get deploy ready -o jsonpath='{.status.readyReplicas}')\" = 2 ]"
if [ "$(k -n "$NS" get pods -l app=ready -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{end}')" = TrueTrue ]; then
  ok "both 'ready' pods have condition Ready=True"
else
  fail "both 'ready' pods have condition Ready=True"
fi

poll 30 "crash-loop pod waits in CrashLoopBackOff" has crash '.status.containerStatuses[0].state.waiting.reason' CrashLoopBackOff
r1="$(podjp crash '.status.containerStatuses[0].restartCount')"
sleep 3.5
r2="$(podjp crash '.status.containerStatuses[0].restartCount')"
if [ -n "$r1" ] && [ -n "$r2" ] && [ "$r2" -gt "$r1" ]; then ok "crash-loop restartCount rises ($r1 -> $r2)"
else fail "crash-loop restartCount rises (got '$r1' then '$r2')"; fi
if has crash '.status.containerStatuses[0].lastState.terminated.exitCode' 1 && has crash '.status.phase' Running \
   && has crash '.status.containerStatuses[0].ready' false; then
  ok "crash-loop pod: phase Running, not ready, lastState exitCode 1"
else fail "crash-loop pod: phase Running, not ready, lastState exitCode 1"; fi

poll 60 "StatefulSet PVC data-web-0 is Bound" \
  bash -c "[ \"\$(\"$SLIPWAY_K8S_BIN/kubectl\" --kubeconfig '$KUBECONFIG_PATH' -n $NS get pvc data-web-0 -o jsonpath='{.status.phase}')\" = Bound ]"
poll 60 "StatefulSet pod web-0 is Ready" k -n "$NS" wait --for=condition=Ready pod/web-0 --timeout=1s

# ---- the other stages
poll 30 "never-ready pod is Running" has never '.status.phase' Running
check "never-ready pod stays Ready=False" has never '.status.conditions[?(@.type=="Ready")].status' False
poll 30 "image-pull-error pod shows ErrImagePull" has pullerr '.status.containerStatuses[0].state.waiting.reason' ErrImagePull
poll 30 "image-pull-error pod then shows ImagePullBackOff" has pullerr '.status.containerStatuses[0].state.waiting.reason' ImagePullBackOff
poll 30 "create-config-error pod shows CreateContainerConfigError" has cfgerr '.status.containerStatuses[0].state.waiting.reason' CreateContainerConfigError
check "create-config-error message comes from slipway.test/message" \
  has cfgerr '.status.containerStatuses[0].state.waiting.message' 'secret "db" not found'
poll 60 "Job job-ok completes" k -n "$NS" wait --for=condition=Complete job/job-ok --timeout=1s
poll 60 "Job job-bad fails" k -n "$NS" wait --for=condition=Failed job/job-bad --timeout=1s
code="$(k -n "$NS" get pods -l job-name=job-bad -o jsonpath='{.items[0].status.containerStatuses[0].state.terminated.exitCode}')"
check "job-fail pod exit code comes from slipway.test/exit-code (want 3, got '$code')" [ "$code" = 3 ]

# ready-after: not Ready at ~1s, Ready by ~3s + slack. Measured from its creation,
# which happened before the checks above, so only the lower bound is checked loosely.
slow_created="$(podjp slow '.metadata.creationTimestamp')"
slow_ready="$(podjp slow '.status.conditions[?(@.type=="Ready")].lastTransitionTime')"
if [ -n "$slow_ready" ] && has slow '.status.conditions[?(@.type=="Ready")].status' True; then
  d=$(( $(date -d "$slow_ready" +%s) - $(date -d "$slow_created" +%s) ))
  check "ready-after=3s pod became Ready after ${d}s (>= 3s)" [ "$d" -ge 3 ]
else
  poll 20 "ready-after=3s pod becomes Ready" has slow '.status.conditions[?(@.type=="Ready")].status' True
fi

echo "smoke: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
