#!/usr/bin/env bash
# Pod discovery for the test env's Prometheus: Debian's Prometheus is built without its
# Kubernetes discovery, so one `kubectl get pods --watch` follows the cluster's pods and writes
# the running ones annotated `prometheus.io/scrape: "true"` as a file_sd target file (atomically,
# and only when the set changes), each with its namespace, pod, app and release labels.
# A watch, not a poll: it costs nothing while no pod changes (a poll every second spawned
# kubectl 1,800 times in a suite). mawk -W interactive reads it line by line, not a block at a
# time. When the API server ends the watch, it starts again from a fresh list.
#
#   discover.sh KUBECTL KUBECONFIG OUT_FILE
set -uo pipefail
KUBECTL=$1 KUBECONFIG_FILE=$2 OUT=$3
fields='{.type}|{.object.metadata.namespace}|{.object.metadata.name}|{.object.status.phase}|{.object.status.podIP}|{.object.metadata.annotations.prometheus\.io/scrape}|{.object.metadata.annotations.prometheus\.io/port}|{.object.metadata.labels.app\.kubernetes\.io/name}|{.object.metadata.labels.slipway\.dev/release}{"\n"}'
while true; do
  "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" get pods -A --watch --output-watch-events -o jsonpath="$fields" 2>/dev/null |
    mawk -W interactive -F'|' -v out="$OUT" '
      function write(   key, body, n) {
        body = "["; n = 0
        for (key in target) body = body (n++ ? "," : "") target[key]
        body = body "]"
        if (body == last) return
        last = body
        print body > (out ".tmp"); close(out ".tmp")
        system("mv -f \"" out ".tmp\" \"" out "\"")
      }
      BEGIN { last = "" }
      {
        key = $2 "/" $3
        if ($1 != "DELETED" && $4 == "Running" && $5 != "" && $6 == "true" && $7 ~ /^[0-9]+$/)
          target[key] = sprintf("{\"targets\":[\"%s:%s\"],\"labels\":{\"namespace\":\"%s\",\"pod\":\"%s\",\"app\":\"%s\",\"release\":\"%s\"}}", $5, $7, $2, $3, $8, $9)
        else
          delete target[key]
        write()
      }'
  sleep 1
done
