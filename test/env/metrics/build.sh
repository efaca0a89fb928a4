#!/usr/bin/env bash
# Builds metrics-server, the resource metrics pipeline of the test env (what `kubectl top` and a
# HorizontalPodAutoscaler read through the aggregated API metrics.k8s.io), from the Go module
# pinned in go.mod, into ~/.cache/slipway/metrics/bin/<version>/metrics-server (see
# ../go-tool-build.sh: cached by a stamp, the bin dir on the last line of stdout).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$HERE/../go-tool-build.sh" "$HERE" sigs.k8s.io/metrics-server \
  sigs.k8s.io/metrics-server/cmd/metrics-server metrics-server k8s.io/client-go/pkg/version.gitVersion
