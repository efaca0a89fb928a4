#!/usr/bin/env bash
# Builds the local Kubernetes test control plane from Go modules:
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd  (./go.mod)
#   kwok                                                                      (./kwok/go.mod)
# into ~/.cache/slipway/k8s/bin/<k8s-version>/.
#
# Why from source: no packaged kube-apiserver exists on Debian/npm and no
# container image or release binary can be downloaded here; the Go module
# proxy is the one source we have (see README.md).
#
# Idempotent: if that directory already holds every binary AND was built from
# the same go.mod/go.sum files (a stamp records their hash), nothing is done.
# GOCACHE/GOMODCACHE live in stable dirs under ~/.cache/slipway so that a
# rebuild after a version bump reuses everything that did not change.
#
# Env:
#   SLIPWAY_CACHE   root of the caches            (default ~/.cache/slipway)
#   FORCE=1         rebuild even if up to date
#   NICE            nice level for the compiler    (default 19: the build must
#                   not starve other work on a 2-core machine)
# Prints the bin dir on the last line of stdout.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/common.sh"
CACHE="${SLIPWAY_CACHE:-$HOME/.cache/slipway}"
NICE="${NICE:-19}"

# Go may not be on PATH in a non-login shell (CI); the image installs it here.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || { echo "build.sh: go not found (need Go >= 1.26)" >&2; exit 1; }

export GOCACHE="$CACHE/go-build"
export GOMODCACHE="$CACHE/go-mod"
# -mod=readonly: go.sum is committed; a build must never rewrite it.
# -buildvcs=false: the module sits inside the Slipway git repo; VCS stamping
# would make the binaries depend on unrelated work-tree state.
export GOFLAGS="-mod=readonly -buildvcs=false"
# The compiler spends much of its time collecting garbage: with GOGC=400 a cold build of CoreDNS
# took 88 s instead of 117 s here (2 runs each), at a few GB of memory more.
export GOGC="${GOGC:-400}"
export CGO_ENABLED=0   # static, no C toolchain needed; matches upstream release builds
mkdir -p "$GOCACHE" "$GOMODCACHE"

# Versions come from go.mod so there is exactly one place to bump them.
# Handles both `require x v1` and lines inside a `require ( ... )` block. One awk
# that reads the whole file: a reader that quits early would SIGPIPE the writer,
# which pipefail + set -e turn into a silent, intermittent exit.
modver() { awk -v m="$1" '{ sub(/^require[ \t]+/, "") } $1 == m && $2 ~ /^v/ && v == "" { v = $2 } END { print v }' "$2"; }
K8S_VERSION="$(modver k8s.io/kubernetes "$HERE/go.mod")"
KWOK_VERSION="$(modver sigs.k8s.io/kwok "$HERE/kwok/go.mod")"
if [ -z "$K8S_VERSION" ] || [ -z "$KWOK_VERSION" ]; then
  echo "build.sh: cannot read versions from go.mod" >&2; exit 1
fi

BIN="$CACHE/k8s/bin/$K8S_VERSION"
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok)
STAMP_WANT="$(cat "$HERE/go.mod" "$HERE/go.sum" "$HERE/kwok/go.mod" "$HERE/kwok/go.sum" "$HERE/build.sh" "$HERE/common.sh" | sha256sum | cut -c1-16)"

up_to_date() {
  [ -f "$BIN/.stamp" ] && [ "$(cat "$BIN/.stamp")" = "$STAMP_WANT" ] || return 1
  local b; for b in "${BINARIES[@]}"; do [ -x "$BIN/$b" ] || return 1; done
}

mkdir -p "$CACHE/k8s/bin"
# Two callers (e.g. parallel test jobs) must not build into the same place.
exec 9>"$CACHE/k8s/bin/.build.lock"
flock 9

if [ "${FORCE:-0}" != 1 ] && up_to_date; then
  echo "build.sh: k8s $K8S_VERSION + kwok $KWOK_VERSION already built in $BIN (skipping)" >&2
  echo "$BIN"
  exit 0
fi

# Build into a scratch dir and rename at the end, so an interrupted build never
# leaves a half-filled $BIN that the check above would accept.
TMP="$BIN.tmp.$$"
rm -rf "$TMP"; mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT

now() { date +%s; }
T0=$(now)

K8S_LDFLAGS="$(k8s_ldflags "$K8S_VERSION")"

echo "build.sh: building k8s $K8S_VERSION (apiserver, controller-manager, scheduler, kubectl) + etcd ..." >&2
# One `go build` for all main packages lets Go share and parallelise the work.
( cd "$HERE" && nice -n "$NICE" go build -trimpath -ldflags="$K8S_LDFLAGS" -o "$TMP/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler \
    k8s.io/kubernetes/cmd/kubectl )
T1=$(now); echo "build.sh:   kubernetes binaries: $((T1 - T0))s" >&2

( cd "$HERE" && nice -n "$NICE" go build -trimpath -ldflags="-s -w" -o "$TMP/etcd" go.etcd.io/etcd/server/v3 )
T2=$(now); echo "build.sh:   etcd: $((T2 - T1))s" >&2

echo "build.sh: building kwok $KWOK_VERSION ..." >&2
( cd "$HERE/kwok" && nice -n "$NICE" go build -trimpath \
    -ldflags="-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=$K8S_VERSION" \
    -o "$TMP/kwok" sigs.k8s.io/kwok/cmd/kwok )
T3=$(now); echo "build.sh:   kwok: $((T3 - T2))s" >&2

echo "$STAMP_WANT" > "$TMP/.stamp"
rm -rf "$BIN"
mv "$TMP" "$BIN"
trap - EXIT
echo "build.sh: done in $((T3 - T0))s -> $BIN" >&2
ls -lh "$BIN" >&2
echo "$BIN"
