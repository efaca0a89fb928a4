#!/usr/bin/env bash
# Starts the test env's Prometheus (Debian's package: a real Prometheus, no build): it scrapes the
# cluster's running pods annotated `prometheus.io/scrape: "true"` on `prometheus.io/port`, every
# second, each series labelled with the pod's namespace, app and release (discover.sh finds
# them). A blue-green or canary strategy's metric analysis asks it (SLIPWAY_PROMETHEUS_URL).
# Listens on 127.0.0.1:19090; data under the stack's state. Idempotent.
#
#   start.sh K8S_BIN_DIR
source "$(dirname "$0")/../lib.sh"
K8S_BIN=$1
DIR="$SLIPWAY_STATE/prometheus"
mkdir -p "$DIR/data"

# Debian's Prometheus has no Kubernetes discovery: discover.sh follows the pods with one kubectl
# watch (the stack's admin kubeconfig, as the other test-env scripts use) into a file_sd file.
[ -f "$DIR/pods.json" ] || echo '[]' >"$DIR/pods.json"
start_bg prometheus-discovery bash "$ENV_DIR/prometheus/discover.sh" "$K8S_BIN/kubectl" "$SLIPWAY_STATE/k8s/kubeconfig" "$DIR/pods.json"

cat >"$DIR/prometheus.yml" <<CONF
global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: pods
    file_sd_configs:
      - { files: ["$DIR/pods.json"], refresh_interval: 1s }
CONF
start_bg prometheus prometheus --config.file="$DIR/prometheus.yml" --storage.tsdb.path="$DIR/data" \
  --storage.tsdb.retention.time=1d --web.listen-address=127.0.0.1:19090
wait_until 60 "Prometheus" curl -fsS http://127.0.0.1:19090/-/ready
log "Prometheus ready on http://127.0.0.1:19090"
