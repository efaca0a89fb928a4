#!/usr/bin/env bash
# Pod discovery for the test env's Prometheus: Debian's Prometheus is built without its
# Kubernetes discovery, so this loop lists the cluster's running pods annotated
# `prometheus.io/scrape: "true"` every second and writes them as a file_sd target file
# (atomically), each with its namespace, pod, app and release labels.
#
#   discover.sh KUBECTL KUBECONFIG OUT_FILE
set -uo pipefail
KUBECTL=$1 KUBECONFIG_FILE=$2 OUT=$3
columns='NS:.metadata.namespace,POD:.metadata.name,IP:.status.podIP,SCRAPE:.metadata.annotations.prometheus\.io/scrape,PORT:.metadata.annotations.prometheus\.io/port,APP:.metadata.labels.app\.kubernetes\.io/name,REL:.metadata.labels.slipway\.dev/release'
while true; do
  if rows=$("$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" get pods -A --field-selector=status.phase=Running -o custom-columns="$columns" --no-headers 2>/dev/null); then
    printf '%s\n' "$rows" | awk '
      BEGIN { printf "[" ; n = 0 }
      $4 == "true" && $3 != "<none>" && $5 ~ /^[0-9]+$/ {
        printf "%s{\"targets\":[\"%s:%s\"],\"labels\":{\"namespace\":\"%s\",\"pod\":\"%s\",\"app\":\"%s\",\"release\":\"%s\"}}", (n++ ? "," : ""), $3, $5, $1, $2, $6, $7
      }
      END { print "]" }' >"$OUT.tmp" && mv "$OUT.tmp" "$OUT"
  fi
  sleep 1
done
