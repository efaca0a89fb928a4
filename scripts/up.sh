#!/usr/bin/env bash
# Sets everything up and runs Slipway locally: Redis, the Docker engine, the registry, a git
# daemon and a local Kubernetes control plane with kwok nodes and one real node
# (test/env/start.sh), then
# Slipway's API, build worker and deploy worker, built from this checkout.
# Idempotent; `bash scripts/down.sh` stops it all. Logs and pids are in ~/.cache/slipway/state.
set -euo pipefail
cd "$(dirname "$0")/.."
source test/env/lib.sh
source scripts/lib.sh

bash test/env/start.sh
source "$SLIPWAY_STATE/env.sh"
ensure_node_modules
ensure_web_build
log "compiling TypeScript"
rm -rf dist && npx tsc -p tsconfig.build.json

# One API token per install, generated on first start and kept (never in the checkout).
token_file="$SLIPWAY_STATE/api-token"
[ -f "$token_file" ] || { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$token_file"; chmod 600 "$token_file"; }
export SLIPWAY_API_TOKEN=$(cat "$token_file")
export SLIPWAY_PORT=${SLIPWAY_PORT:-8080}
export SLIPWAY_PUBLIC_URL=${SLIPWAY_PUBLIC_URL:-http://127.0.0.1:$SLIPWAY_PORT}
export SLIPWAY_WORK_DIR=${SLIPWAY_WORK_DIR:-$SLIPWAY_STATE/builds}
# OpenShift templates' `openshift` image streams resolve to the local database stand-ins (the
# quay.io images of the default map cannot be pulled here), and Routes without a host get one.
if [ -z "${SLIPWAY_OPENSHIFT_IMAGES:-}" ] && [ -n "${SLIPWAY_TEST_POSTGRESQL_IMAGE:-}" ]; then
  export SLIPWAY_OPENSHIFT_IMAGES="{\"postgresql\":{\"image\":\"$SLIPWAY_TEST_POSTGRESQL_IMAGE\",\"version\":\"15\"},\"mysql\":{\"image\":\"$SLIPWAY_TEST_MYSQL_IMAGE\",\"version\":\"10.11\"},\"mariadb\":{\"image\":\"$SLIPWAY_TEST_MYSQL_IMAGE\",\"version\":\"10.11\"},\"mongodb\":{\"image\":\"$SLIPWAY_TEST_MONGODB_IMAGE\"},\"redis\":{\"image\":\"$SLIPWAY_TEST_REDIS_IMAGE\",\"version\":\"7\"}}"
fi
export SLIPWAY_APPS_DOMAIN=${SLIPWAY_APPS_DOMAIN:-apps.slipway.test}

# A restart picks up freshly compiled code.
for process in api build-worker deploy-worker; do stop_pid "$process"; done
start_bg api node dist/src/main.js
start_bg build-worker node dist/workers/build-worker.js
start_bg deploy-worker node dist/workers/deploy-worker.js
wait_until 30 "Slipway API" curl -fsS "$SLIPWAY_PUBLIC_URL/readyz"

cat <<INFO

Slipway is running.
  API            $SLIPWAY_PUBLIC_URL   (token in $token_file)
  registry       $SLIPWAY_REGISTRY (user slipway, password in $SLIPWAY_STATE/registry/password)
  git daemon     $SLIPWAY_GIT_URL/<repo>.git, repos in $SLIPWAY_GIT_ROOT
  kubernetes     KUBECONFIG=$KUBECONFIG   (kubectl: $SLIPWAY_K8S_BIN/kubectl)
  real node      $SLIPWAY_REAL_NODE: apps run there with SLIPWAY_POD_NODE_SELECTOR=$SLIPWAY_REAL_NODE_SELECTOR
                 SLIPWAY_POD_TOLERATIONS=$SLIPWAY_REAL_NODE_TOLERATIONS (else they land on kwok nodes)
  logs           $SLIPWAY_STATE/{api,build-worker,deploy-worker}.log
  environment    source $SLIPWAY_STATE/env.sh && export SLIPWAY_TOKEN=\$(cat $token_file)
  CLI            npx slipway new-app <repo>   (or npx slipway new-app --template postgresql-persistent)
Stop with: bash scripts/down.sh
INFO
