#!/usr/bin/env bash
# Builds metrics-server, the resource metrics pipeline of the test env (what `kubectl top` and a
# HorizontalPodAutoscaler read through the aggregated API metrics.k8s.io), from Go modules into
# ~/.cache/slipway/metrics/bin/<version>/metrics-server. Why from source: no image or release
# binary can be downloaded here; the Go module proxy is the one source we have.
#
# Idempotent: a stamp records the hash of go.mod/go.sum and this script; nothing is done when it
# matches. GOCACHE/GOMODCACHE are the stack's (~/.cache/slipway), shared with the control plane.
# Prints the bin dir on the last line of stdout.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${SLIPWAY_CACHE:-$HOME/.cache/slipway}"
NICE="${NICE:-19}"
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then export PATH="/usr/local/go/bin:$PATH"; fi
command -v go >/dev/null 2>&1 || { echo "metrics/build.sh: go not found (need Go >= 1.26)" >&2; exit 1; }

export GOCACHE="$CACHE/go-build"
export GOMODCACHE="$CACHE/go-mod"
export GOFLAGS="-mod=readonly -buildvcs=false"
export CGO_ENABLED=0
mkdir -p "$GOCACHE" "$GOMODCACHE"

VERSION="$(awk '{ sub(/^require[ \t]+/, "") } $1 == "sigs.k8s.io/metrics-server" && $2 ~ /^v/ && v == "" { v = $2 } END { print v }' "$HERE/go.mod")"
[ -n "$VERSION" ] || { echo "metrics/build.sh: cannot read the metrics-server version from go.mod" >&2; exit 1; }
BIN="$CACHE/metrics/bin/$VERSION"
STAMP_WANT="$(cat "$HERE/go.mod" "$HERE/go.sum" "$HERE/build.sh" | sha256sum | cut -c1-16)"

mkdir -p "$CACHE/metrics/bin"
exec 9>"$CACHE/metrics/bin/.build.lock"
flock 9
if [ "${FORCE:-0}" != 1 ] && [ -f "$BIN/.stamp" ] && [ "$(cat "$BIN/.stamp")" = "$STAMP_WANT" ] && [ -x "$BIN/metrics-server" ]; then
  echo "metrics/build.sh: metrics-server $VERSION already built in $BIN (skipping)" >&2
  echo "$BIN"
  exit 0
fi

TMP="$BIN.tmp.$$"
rm -rf "$TMP"; mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT
T0=$(date +%s)
echo "metrics/build.sh: building metrics-server $VERSION ..." >&2
( cd "$HERE" && nice -n "$NICE" go build -trimpath -ldflags="-s -w -X k8s.io/client-go/pkg/version.gitVersion=$VERSION" \
    -o "$TMP/metrics-server" sigs.k8s.io/metrics-server/cmd/metrics-server )
echo "metrics/build.sh:   metrics-server: $(($(date +%s) - T0))s" >&2
echo "$STAMP_WANT" >"$TMP/.stamp"
rm -rf "$BIN"; mv "$TMP" "$BIN"
trap - EXIT
echo "$BIN"
