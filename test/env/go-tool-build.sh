#!/usr/bin/env bash
# Builds one binary of a Go module pinned in a tool dir's go.mod (test/env/router: Traefik,
# test/env/metrics: metrics-server) into ~/.cache/slipway/<tool dir>/bin/<version>/<binary>.
# Why from source: no image or release binary can be downloaded here; the Go module proxy is the
# one source we have.
#
#   go-tool-build.sh TOOL_DIR MODULE PACKAGE BINARY VERSION_VAR
# MODULE's version is read from TOOL_DIR/go.mod; VERSION_VAR is the package variable the version
# is written into (-X), so the binary reports it.
#
# Idempotent: a stamp records the hash of go.mod/go.sum, the tool's build.sh and this script;
# nothing is done when it matches. GOCACHE/GOMODCACHE are the stack's (~/.cache/slipway), shared
# with the control plane. Prints the bin dir on the last line of stdout.
set -euo pipefail

DIR="$(cd "$1" && pwd)" MODULE=$2 PACKAGE=$3 BINARY=$4 VERSION_VAR=$5
NAME="$(basename "$DIR")"
say() { echo "$NAME/build.sh: $*" >&2; }
CACHE="${SLIPWAY_CACHE:-$HOME/.cache/slipway}"
NICE="${NICE:-19}"
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then export PATH="/usr/local/go/bin:$PATH"; fi
command -v go >/dev/null 2>&1 || { say "go not found (need Go >= 1.26)"; exit 1; }

export GOCACHE="$CACHE/go-build"
export GOMODCACHE="$CACHE/go-mod"
export GOFLAGS="-mod=readonly -buildvcs=false"
# The compiler spends much of its time collecting garbage: with GOGC=400 a cold build of CoreDNS
# took 88 s instead of 117 s here (2 runs each), at a few GB of memory more.
export GOGC="${GOGC:-400}"
export CGO_ENABLED=0
mkdir -p "$GOCACHE" "$GOMODCACHE"

VERSION="$(awk -v m="$MODULE" '{ sub(/^require[ \t]+/, "") } $1 == m && $2 ~ /^v/ && v == "" { v = $2 } END { print v }' "$DIR/go.mod")"
[ -n "$VERSION" ] || { say "cannot read the $MODULE version from go.mod"; exit 1; }
BIN="$CACHE/$NAME/bin/$VERSION"
STAMP_WANT="$(cat "$DIR/go.mod" "$DIR/go.sum" "$DIR/build.sh" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)"

mkdir -p "$CACHE/$NAME/bin"
exec 9>"$CACHE/$NAME/bin/.build.lock"
flock 9
if [ "${FORCE:-0}" != 1 ] && [ -f "$BIN/.stamp" ] && [ "$(cat "$BIN/.stamp")" = "$STAMP_WANT" ] && [ -x "$BIN/$BINARY" ]; then
  say "$BINARY $VERSION already built in $BIN (skipping)"
  echo "$BIN"
  exit 0
fi

TMP="$BIN.tmp.$$"
rm -rf "$TMP"; mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT
T0=$(date +%s)
say "building $BINARY $VERSION ..."
( cd "$DIR" && nice -n "$NICE" go build -trimpath -ldflags="-s -w -X $VERSION_VAR=$VERSION" -o "$TMP/$BINARY" "$PACKAGE" )
say "  $BINARY: $(($(date +%s) - T0))s"
echo "$STAMP_WANT" >"$TMP/.stamp"
rm -rf "$BIN"; mv "$TMP" "$BIN"
trap - EXIT
echo "$BIN"
