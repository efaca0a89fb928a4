#!/usr/bin/env bash
# Builds Traefik, the weighted traffic router of the test env (a Gateway API implementation in
# Go: HTTPRoute backendRefs with weights), from Go modules into
# ~/.cache/slipway/router/bin/<traefik-version>/traefik. Why Traefik: it is the Gateway API
# router that builds from the module proxy alone (no Envoy or nginx binary, no download).
#
# Idempotent: a stamp records the hash of go.mod/go.sum and this script; nothing is done when it
# matches. GOCACHE/GOMODCACHE are the stack's (~/.cache/slipway), shared with the control plane.
# Prints the bin dir on the last line of stdout.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${SLIPWAY_CACHE:-$HOME/.cache/slipway}"
NICE="${NICE:-19}"
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then export PATH="/usr/local/go/bin:$PATH"; fi
command -v go >/dev/null 2>&1 || { echo "router/build.sh: go not found (need Go >= 1.26)" >&2; exit 1; }

export GOCACHE="$CACHE/go-build"
export GOMODCACHE="$CACHE/go-mod"
export GOFLAGS="-mod=readonly -buildvcs=false"
export CGO_ENABLED=0
mkdir -p "$GOCACHE" "$GOMODCACHE"

VERSION="$(awk '{ sub(/^require[ \t]+/, "") } $1 == "github.com/traefik/traefik/v3" && $2 ~ /^v/ && v == "" { v = $2 } END { print v }' "$HERE/go.mod")"
[ -n "$VERSION" ] || { echo "router/build.sh: cannot read the Traefik version from go.mod" >&2; exit 1; }
BIN="$CACHE/router/bin/$VERSION"
STAMP_WANT="$(cat "$HERE/go.mod" "$HERE/go.sum" "$HERE/build.sh" | sha256sum | cut -c1-16)"

mkdir -p "$CACHE/router/bin"
exec 9>"$CACHE/router/bin/.build.lock"
flock 9
if [ "${FORCE:-0}" != 1 ] && [ -f "$BIN/.stamp" ] && [ "$(cat "$BIN/.stamp")" = "$STAMP_WANT" ] && [ -x "$BIN/traefik" ]; then
  echo "router/build.sh: Traefik $VERSION already built in $BIN (skipping)" >&2
  echo "$BIN"
  exit 0
fi

TMP="$BIN.tmp.$$"
rm -rf "$TMP"; mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT
T0=$(date +%s)
echo "router/build.sh: building Traefik $VERSION ..." >&2
( cd "$HERE" && nice -n "$NICE" go build -trimpath -ldflags="-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$VERSION" \
    -o "$TMP/traefik" github.com/traefik/traefik/v3/cmd/traefik )
echo "router/build.sh:   Traefik: $(($(date +%s) - T0))s" >&2
echo "$STAMP_WANT" >"$TMP/.stamp"
rm -rf "$BIN"; mv "$TMP" "$BIN"
trap - EXIT
echo "$BIN"
