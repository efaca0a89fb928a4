#!/usr/bin/env bash
# Builds what the real test node runs, next to the control plane's binaries:
#   kubelet, kube-proxy          from ../k8s/go.mod (same k8s.io/kubernetes + replace block)
#   coredns                      from ./coredns/go.mod (github.com/coredns/coredns; main.go
#                                picks the plugins the node's cluster DNS uses)
#   cni/{bridge,host-local,loopback}   from ./cni/go.mod (containernetworking/plugins)
#   pause, pause.oci.tar         pause.c of the same kubernetes module, `gcc -static`, as a
#                                one-layer OCI image tar for `ctr images import`
# into ~/.cache/slipway/k8s/node-bin/<k8s-version>/.
#
# Why: no container image (not even registry.k8s.io/pause) and no release binary can be
# downloaded here; the Go module proxy and Debian's gcc can be used (see README.md).
#
# Idempotent: skipped when every artefact exists and a stamp (hash of the go.mod/go.sum
# files, coredns/main.go and this script) matches. Shares GOCACHE/GOMODCACHE with ../k8s/build.sh.
#
# Env:
#   SLIPWAY_CACHE   root of the caches            (default ~/.cache/slipway)
#   FORCE=1         rebuild even if up to date
#   NICE            nice level for the compilers   (default 19)
# Prints the bin dir on the last line of stdout.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
K8S_MOD="$HERE/../k8s"
source "$K8S_MOD/common.sh"
CACHE="${SLIPWAY_CACHE:-$HOME/.cache/slipway}"
NICE="${NICE:-19}"

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || { echo "node/build.sh: go not found (need Go >= 1.26)" >&2; exit 1; }
command -v gcc >/dev/null 2>&1 || { echo "node/build.sh: gcc not found (apt-get install gcc libc6-dev)" >&2; exit 1; }

export GOCACHE="$CACHE/go-build"
export GOMODCACHE="$CACHE/go-mod"
# Same reasons as ../k8s/build.sh: go.sum is committed, VCS stamping is noise.
export GOFLAGS="-mod=readonly -buildvcs=false"
# The compiler spends much of its time collecting garbage: with GOGC=400 a cold build of CoreDNS
# took 88 s instead of 117 s here (2 runs each), at a few GB of memory more.
export GOGC="${GOGC:-400}"
export CGO_ENABLED=0   # kubelet and the CNI plugins are static upstream too
mkdir -p "$GOCACHE" "$GOMODCACHE"

modver() { awk -v m="$1" '{ sub(/^require[ \t]+/, "") } $1 == m && $2 ~ /^v/ && v == "" { v = $2 } END { print v }' "$2"; }
K8S_VERSION="$(modver k8s.io/kubernetes "$K8S_MOD/go.mod")"
CNI_VERSION="$(modver github.com/containernetworking/plugins "$HERE/cni/go.mod")"
COREDNS_VERSION="$(modver github.com/coredns/coredns "$HERE/coredns/go.mod")"
if [ -z "$K8S_VERSION" ] || [ -z "$CNI_VERSION" ] || [ -z "$COREDNS_VERSION" ]; then
  echo "node/build.sh: cannot read versions from go.mod" >&2; exit 1
fi

BIN="$CACHE/k8s/node-bin/$K8S_VERSION"
ARTEFACTS=(kubelet kube-proxy coredns cni/bridge cni/host-local cni/loopback pause pause.oci.tar pause.image)
STAMP_WANT="$(cat "$K8S_MOD/go.mod" "$K8S_MOD/go.sum" "$HERE/cni/go.mod" "$HERE/cni/go.sum" \
  "$HERE/coredns/go.mod" "$HERE/coredns/go.sum" "$HERE/coredns/main.go" "$HERE/build.sh" "$K8S_MOD/common.sh" \
  | sha256sum | cut -c1-16)"

up_to_date() {
  [ -f "$BIN/.stamp" ] && [ "$(cat "$BIN/.stamp")" = "$STAMP_WANT" ] || return 1
  local a; for a in "${ARTEFACTS[@]}"; do [ -s "$BIN/$a" ] || return 1; done
}

mkdir -p "$CACHE/k8s/node-bin"
exec 9>"$CACHE/k8s/node-bin/.build.lock"
flock 9

if [ "${FORCE:-0}" != 1 ] && up_to_date; then
  echo "node/build.sh: kubelet/kube-proxy $K8S_VERSION + CoreDNS $COREDNS_VERSION + CNI plugins $CNI_VERSION + pause already built in $BIN (skipping)" >&2
  echo "$BIN"
  exit 0
fi

TMP="$BIN.tmp.$$"
rm -rf "$TMP"; mkdir -p "$TMP/cni"
trap 'rm -rf "$TMP"' EXIT
now() { date +%s; }
T0=$(now)

# ---------------------------------------------------------------- kubelet
# The Node reports its kubeletVersion, and the apiserver's version skew checks read it.
echo "node/build.sh: building kubelet $K8S_VERSION ..." >&2
( cd "$K8S_MOD" && nice -n "$NICE" go build -trimpath -ldflags="$(k8s_ldflags "$K8S_VERSION")" -o "$TMP/kubelet" \
    k8s.io/kubernetes/cmd/kubelet )
T1=$(now); echo "node/build.sh:   kubelet: $((T1 - T0))s" >&2

# ---------------------------------------------------------------- kube-proxy
# Same module, flags and version stamp as the kubelet: most of its packages are already in
# GOCACHE from the kubelet and the control plane.
echo "node/build.sh: building kube-proxy $K8S_VERSION ..." >&2
( cd "$K8S_MOD" && nice -n "$NICE" go build -trimpath -ldflags="$(k8s_ldflags "$K8S_VERSION")" -o "$TMP/kube-proxy" \
    k8s.io/kubernetes/cmd/kube-proxy )
T2=$(now); echo "node/build.sh:   kube-proxy: $((T2 - T1))s" >&2

# ---------------------------------------------------------------- CoreDNS
# coredns/main.go: upstream's coremain with six plugins instead of all of them (no cloud
# SDKs to compile). CoreDNS brings its own client-go, so little is shared with the above.
echo "node/build.sh: building CoreDNS $COREDNS_VERSION ..." >&2
( cd "$HERE/coredns" && nice -n "$NICE" go build -trimpath -ldflags="-s -w" -o "$TMP/coredns" . )
T3=$(now); echo "node/build.sh:   CoreDNS: $((T3 - T2))s" >&2

# ---------------------------------------------------------------- CNI plugins
echo "node/build.sh: building CNI plugins $CNI_VERSION ..." >&2
( cd "$HERE/cni" && nice -n "$NICE" go build -trimpath \
    -ldflags="-s -w -X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=$CNI_VERSION" \
    -o "$TMP/cni/" \
    github.com/containernetworking/plugins/plugins/main/bridge \
    github.com/containernetworking/plugins/plugins/ipam/host-local \
    github.com/containernetworking/plugins/plugins/main/loopback )
T4=$(now); echo "node/build.sh:   CNI plugins: $((T4 - T3))s" >&2

# ---------------------------------------------------------------- pause image
# The source is the kubernetes module's own (build/pause/linux/pause.c); its Makefile
# builds it with these CFLAGS and TAG. The image name is local on purpose: nothing may
# ever try to pull it, containerd only finds it already imported.
PAUSE_SRC="$(cd "$K8S_MOD" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause"
PAUSE_TAG="$(awk '$1 == "TAG" && $2 == "?=" { print $3; exit }' "$PAUSE_SRC/Makefile")"
[ -n "$PAUSE_TAG" ] || { echo "node/build.sh: cannot read TAG from $PAUSE_SRC/Makefile" >&2; exit 1; }
PAUSE_IMAGE="slipway.local/pause:$PAUSE_TAG"
nice -n "$NICE" gcc -Os -Wall -Werror -static "-DVERSION=v$PAUSE_TAG-slipway" \
  -o "$TMP/pause" "$PAUSE_SRC/linux/pause.c"
strip "$TMP/pause"

# One uncompressed layer holding /pause, written byte-for-byte reproducibly (fixed
# mtime, owner, order) so the image digest only changes when pause.c or gcc does.
OCI="$TMP/oci"
mkdir -p "$OCI/rootfs" "$OCI/blobs/sha256"
install -m 0755 "$TMP/pause" "$OCI/rootfs/pause"
tar -C "$OCI/rootfs" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$OCI/layer.tar" pause
blob() { # file -> moves it into blobs/, prints "sha256:<hex> <size>"
  local d s; d="$(sha256sum "$1" | cut -d' ' -f1)"; s="$(stat -c %s "$1")"
  mv "$1" "$OCI/blobs/sha256/$d"; echo "sha256:$d $s"
}
read -r LAYER_DIGEST LAYER_SIZE < <(blob "$OCI/layer.tar")
GOARCH_="$(go env GOARCH)"
# User 65535 and the entrypoint are what the upstream pause image declares.
printf '{"architecture":"%s","os":"linux","created":"1970-01-01T00:00:00Z","config":{"User":"65535:65535","Entrypoint":["/pause"]},"rootfs":{"type":"layers","diff_ids":["%s"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"test/env/node/build.sh: gcc -static build/pause/linux/pause.c"}]}' \
  "$GOARCH_" "$LAYER_DIGEST" >"$OCI/config.json"
read -r CONFIG_DIGEST CONFIG_SIZE < <(blob "$OCI/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%s}]}' \
  "$CONFIG_DIGEST" "$CONFIG_SIZE" "$LAYER_DIGEST" "$LAYER_SIZE" >"$OCI/manifest.json"
read -r MANIFEST_DIGEST MANIFEST_SIZE < <(blob "$OCI/manifest.json")
# io.containerd.image.name is the name `ctr images import` gives the image.
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"platform":{"architecture":"%s","os":"linux"},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
  "$MANIFEST_DIGEST" "$MANIFEST_SIZE" "$GOARCH_" "$PAUSE_IMAGE" "$PAUSE_TAG" >"$OCI/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$OCI/oci-layout"
tar -C "$OCI" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$TMP/pause.oci.tar" \
  oci-layout index.json blobs
rm -rf "$OCI"
echo "$PAUSE_IMAGE" >"$TMP/pause.image"
T5=$(now); echo "node/build.sh:   pause image $PAUSE_IMAGE ($MANIFEST_DIGEST): $((T5 - T4))s" >&2

echo "$STAMP_WANT" >"$TMP/.stamp"
rm -rf "$BIN"
mv "$TMP" "$BIN"
trap - EXIT
echo "node/build.sh: done in $((T5 - T0))s -> $BIN" >&2
echo "$BIN"
