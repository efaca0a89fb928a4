#!/usr/bin/env bash
# Builds the stand-ins for the database images of the built-in templates
# (templates/*-persistent.yaml: POSTGRESQL_IMAGE, MYSQL_IMAGE, MONGODB_IMAGE, REDIS_IMAGE),
# pushes them to the test registry so the real node's containerd can pull them, and writes
# $SLIPWAY_STATE/db-images.env (sourced by env.sh) with their references by digest:
#   SLIPWAY_TEST_POSTGRESQL_IMAGE  postgresql/  Debian's postgresql-15
#   SLIPWAY_TEST_MYSQL_IMAGE       mysql/       Debian's mariadb-server (10.11)
#   SLIPWAY_TEST_MONGODB_IMAGE     mongodb/     FerretDB (Go module, SQLite backend) + mongosh (npm)
#   SLIPWAY_TEST_REDIS_IMAGE       redis/       Debian's redis-server
# Each follows the official image's conventions the templates rely on (see its Dockerfile), and
# the sclorg image's too (POSTGRESQL_*, MYSQL_* with /var/lib/mysql/data, MONGODB_*, REDIS_PASSWORD):
# OpenShift templates' `openshift` image streams resolve to them in tests (SLIPWAY_OPENSHIFT_IMAGES).
# Run by test/env/images.sh (after the base image); docker's layer cache makes re-runs fast, and
# the FerretDB binary is cached under $SLIPWAY_CACHE/ferretdb/<version>-<patch hash>/.
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
: "${DOCKER_HOST:?DOCKER_HOST must point at the local dockerd}"
HERE="$ENV_DIR/images"
BASE_IMAGE=${BASE_IMAGE:-${SLIPWAY_LOCAL_IMAGE_PREFIX}debian:bookworm}
NODE_DIST_IMAGE=${NODE_DIST_IMAGE:-${SLIPWAY_LOCAL_IMAGE_PREFIX}node-dist:$(node -v)}

FERRETDB_MODULE=github.com/FerretDB/FerretDB
FERRETDB_VERSION=v1.24.2
MONGOSH_VERSION=2.12.0

# ferretdb_binary: prints the path of the FerretDB binary, built once per version and patch.
# From the module proxy's source (the one source we have), with the version files its release
# build generates, and test/env/images/mongodb/*.patch applied; static (CGO off: the SQLite
# backend is pure Go), without the PostgreSQL backend.
ferretdb_binary() {
  if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then export PATH="/usr/local/go/bin:$PATH"; fi
  command -v go >/dev/null 2>&1 || die "go not found: the MongoDB stand-in's FerretDB is built from its Go module"
  local key out src work tags=ferretdb_no_postgresql ldflags="-s -w"
  key=$( { echo "$tags $ldflags"; cat "$HERE"/mongodb/*.patch; } | sha256sum | cut -c1-12)
  out="$SLIPWAY_CACHE/ferretdb/$FERRETDB_VERSION-$key"
  if [ ! -x "$out/ferretdb" ]; then
    log "building FerretDB $FERRETDB_VERSION (once; cached in $out)"
    export GOCACHE="$SLIPWAY_CACHE/go-build" GOMODCACHE="$SLIPWAY_CACHE/go-mod" CGO_ENABLED=0
    mkdir -p "$GOCACHE" "$GOMODCACHE"
    src=$(cd / && go mod download -json "$FERRETDB_MODULE@$FERRETDB_VERSION" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Dir))') \
      || die "downloading $FERRETDB_MODULE@$FERRETDB_VERSION from the Go module proxy failed"
    work=$(mktemp -d)
    cp -r "$src/." "$work/"
    chmod -R u+w "$work"
    # git apply works outside a repository too, and git is one of test/env/start.sh's packages.
    for p in "$HERE"/mongodb/*.patch; do (cd "$work" && git apply -p1 "$p") || die "applying $p failed"; done
    echo "$FERRETDB_VERSION" >"$work/build/version/version.txt"
    echo "slipway-stand-in" >"$work/build/version/package.txt"
    (cd "$work" && GOFLAGS="-mod=readonly -buildvcs=false" nice -n 19 go build -trimpath -tags "$tags" \
      -ldflags "$ldflags" -o "$work/ferretdb.bin" ./cmd/ferretdb) >>"$SLIPWAY_STATE/images.log" 2>&1 \
      || die "building FerretDB failed (see $SLIPWAY_STATE/images.log)"
    mkdir -p "$out"
    mv "$work/ferretdb.bin" "$out/ferretdb.tmp" && mv "$out/ferretdb.tmp" "$out/ferretdb"
    rm -rf "$work"
  fi
  echo "$out/ferretdb"
}

# build_image NAME TAG DIR [CONTEXT]: slipway-local/NAME:TAG from DIR's Dockerfile (in CONTEXT, default DIR).
build_image() {
  local name=$1 tag=$2 dir=$3 context=${4:-$3}
  log "building ${SLIPWAY_LOCAL_IMAGE_PREFIX}$name:$tag from ${dir#"$REPO_ROOT"/}"
  docker build -q --network host --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "NODE_DIST_IMAGE=$NODE_DIST_IMAGE" \
    --build-arg "MONGOSH_VERSION=$MONGOSH_VERSION" -t "${SLIPWAY_LOCAL_IMAGE_PREFIX}$name:$tag" "$context" >/dev/null 2>>"$SLIPWAY_STATE/images.log" \
    || die "building ${SLIPWAY_LOCAL_IMAGE_PREFIX}$name:$tag failed (see $SLIPWAY_STATE/images.log)"
}

# push NAME TAG: pushes slipway-local/NAME:TAG to the test registry; prints repository@digest.
push() {
  local local_ref="${SLIPWAY_LOCAL_IMAGE_PREFIX}$1:$2" remote="$SLIPWAY_REGISTRY_ADDR/${SLIPWAY_LOCAL_IMAGE_PREFIX}$1"
  docker tag "$local_ref" "$remote:$2"
  docker push -q "$remote:$2" >/dev/null 2>>"$SLIPWAY_STATE/images.log" || die "pushing $remote:$2 failed (see $SLIPWAY_STATE/images.log)"
  docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$remote:$2" | grep -m1 "^$remote@sha256:" \
    || die "no digest for $remote:$2 after pushing"
}

mongodb_context=$(mktemp -d)
trap 'rm -rf "$mongodb_context"' EXIT
cp -r "$HERE/mongodb/." "$mongodb_context/"
cp "$(ferretdb_binary)" "$mongodb_context/ferretdb"

build_image postgresql 15-bookworm "$HERE/postgresql"
build_image mariadb 10.11-bookworm "$HERE/mysql"
build_image ferretdb "${FERRETDB_VERSION#v}" "$HERE/mongodb" "$mongodb_context"
build_image redis 7-bookworm "$HERE/redis"

# The registry's own credentials, in a docker client config of the stack's (never ~/.docker).
export DOCKER_CONFIG="$SLIPWAY_STATE/docker-client"
mkdir -p "$DOCKER_CONFIG" && chmod 700 "$DOCKER_CONFIG"
docker login -u slipway --password-stdin "$SLIPWAY_REGISTRY_ADDR" <"$SLIPWAY_STATE/registry/password" >/dev/null 2>>"$SLIPWAY_STATE/images.log" \
  || die "logging in to the test registry $SLIPWAY_REGISTRY_ADDR failed"
postgresql=$(push postgresql 15-bookworm)
mysql=$(push mariadb 10.11-bookworm)
mongodb=$(push ferretdb "${FERRETDB_VERSION#v}")
redis=$(push redis 7-bookworm)

cat >"$SLIPWAY_STATE/db-images.env.tmp" <<ENV
# Written by test/env/images/build.sh: the database stand-ins in the test registry, by digest.
export SLIPWAY_TEST_POSTGRESQL_IMAGE='$postgresql'
export SLIPWAY_TEST_MYSQL_IMAGE='$mysql'
export SLIPWAY_TEST_MONGODB_IMAGE='$mongodb'
export SLIPWAY_TEST_REDIS_IMAGE='$redis'
ENV
mv "$SLIPWAY_STATE/db-images.env.tmp" "$SLIPWAY_STATE/db-images.env"
