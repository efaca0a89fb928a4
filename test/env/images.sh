#!/usr/bin/env bash
# Builds the local stand-ins for public base images, since no registry can be pulled from here:
#   slipway-local/debian:bookworm   debootstrap --variant=minbase bookworm → docker import
#   slipway-local/<image>           each builder's local.Dockerfile, FROM the Debian base
# The rootfs tarball is cached by suite and script version; docker's layer cache makes re-runs instant.
source "$(dirname "$0")/lib.sh"
: "${DOCKER_HOST:?DOCKER_HOST must point at the local dockerd}"

ROOTFS_IMAGE=${SLIPWAY_LOCAL_IMAGE_PREFIX}debian-rootfs:bookworm
BASE_IMAGE=${SLIPWAY_LOCAL_IMAGE_PREFIX}debian:bookworm
BASE_VERSION=bookworm-minbase-v1
tarball="$SLIPWAY_CACHE/images/debian-$BASE_VERSION.tar"

if ! docker image inspect "$ROOTFS_IMAGE" >/dev/null 2>&1; then
  if [ ! -f "$tarball" ]; then
    log "debootstrap bookworm minbase (once; cached at $tarball)"
    rootfs=$(mktemp -d)
    debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$SLIPWAY_STATE/debootstrap.log" 2>&1 \
      || die "debootstrap failed (see $SLIPWAY_STATE/debootstrap.log)"
    # Smaller image, same behaviour: apt lists and caches are re-fetched by every build anyway.
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
    mkdir -p "$(dirname "$tarball")"
    tar -C "$rootfs" -c . >"$tarball.tmp" && mv "$tarball.tmp" "$tarball"
    rm -rf "$rootfs"
  fi
  log "importing $ROOTFS_IMAGE"
  docker import --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' "$tarball" "$ROOTFS_IMAGE" >/dev/null
fi

# The base adds this machine's trusted CAs: package registries may be reached through a
# TLS-intercepting egress proxy whose CA only the host trusts. A layer of its own, so a
# changed CA rebuilds just what depends on it.
certs=$(mktemp -d)
trap 'rm -rf "$certs"' EXIT
mkdir -p "$certs/local"
cp /etc/ssl/certs/ca-certificates.crt "$certs/ca-certificates.crt"
cp /usr/local/share/ca-certificates/*.crt "$certs/local/" 2>/dev/null || true
docker build -q --network host --build-arg "ROOTFS_IMAGE=$ROOTFS_IMAGE" -t "$BASE_IMAGE" -f "$ENV_DIR/base.Dockerfile" "$certs" >/dev/null 2>>"$SLIPWAY_STATE/images.log" \
  || die "building $BASE_IMAGE failed"

# Node.js for the node stand-in is this machine's own (Node 20, as node:20-bookworm-slim has;
# Debian bookworm only packages 18), imported as an image keyed by its version.
NODE_DIST_IMAGE=${SLIPWAY_LOCAL_IMAGE_PREFIX}node-dist:$(node -v)
if ! docker image inspect "$NODE_DIST_IMAGE" >/dev/null 2>&1; then
  log "importing $NODE_DIST_IMAGE from $(command -v node)"
  tar -C / -c usr/bin/node usr/lib/node_modules/npm | docker import - "$NODE_DIST_IMAGE" >/dev/null || die "importing $NODE_DIST_IMAGE failed"
fi

# Every builder names its public images and, for this machine, a Dockerfile that builds a stand-in.
# Builders may share a public image (static's build stage is nodejs's node image): each image is
# built once, and two different Dockerfiles for the same image are an error, not a silent pick.
images=$(node -e '
  const fs = require("fs"), path = require("path");
  const dir = process.argv[1];
  const seen = new Map();
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name, "builder.json");
    if (!fs.existsSync(file)) continue;
    const local = JSON.parse(fs.readFileSync(file, "utf8")).localImages ?? {};
    for (const [image, dockerfile] of Object.entries(local)) {
      const resolved = path.resolve(dir, name, dockerfile);
      const earlier = seen.get(image);
      if (earlier && earlier.file !== resolved && fs.readFileSync(earlier.file, "utf8") !== fs.readFileSync(resolved, "utf8")) {
        console.error(`${image}: builders ${earlier.builder} and ${name} define different stand-ins (${earlier.file}, ${resolved})`);
        process.exit(1);
      }
      if (!earlier) seen.set(image, { builder: name, file: resolved });
    }
  }
  for (const [image, { file }] of seen) console.log(image, file);' "$REPO_ROOT/builders") || die "conflicting local image definitions"
while read -r image dockerfile; do
  log "building ${SLIPWAY_LOCAL_IMAGE_PREFIX}$image from ${dockerfile#"$REPO_ROOT"/}"
  docker build -q --network host --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "NODE_DIST_IMAGE=$NODE_DIST_IMAGE" -t "${SLIPWAY_LOCAL_IMAGE_PREFIX}$image" \
    -f "$dockerfile" "$(dirname "$dockerfile")" >/dev/null 2>>"$SLIPWAY_STATE/images.log" || die "building local image $image failed"
done <<<"$images"

# The database stand-ins the built-in templates' *_IMAGE parameters can point at, so provisioned
# databases really start on the real node: built, pushed to the test registry, and exported by
# digest in $SLIPWAY_STATE/db-images.env (env.sh sources it). See test/env/images/build.sh.
BASE_IMAGE="$BASE_IMAGE" NODE_DIST_IMAGE="$NODE_DIST_IMAGE" bash "$ENV_DIR/images/build.sh"
