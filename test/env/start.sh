#!/usr/bin/env bash
# Installs (apt) and starts the services Slipway needs, all on 127.0.0.1, then writes
# $SLIPWAY_STATE/env.sh with the variables that point Slipway and its tests at them.
# Idempotent: a running service is left alone; a stale pid file is replaced.
source "$(dirname "$0")/lib.sh"

# chromium: the dashboard's end-to-end test drives it headless (playwright-core; no browser download).
ensure_packages redis-server docker.io docker-compose docker-registry apache2-utils debootstrap git ca-certificates openssl curl util-linux chromium
# The machine may ship a newer docker CLI in /usr/local/bin; the engine is Debian's dockerd.
command -v dockerd >/dev/null || die "dockerd not found after installing docker.io"

start_redis() {
  mkdir -p "$SLIPWAY_STATE/redis"
  # AOF on: a restarted Redis must lose no queued build.
  start_bg redis redis-server --bind 127.0.0.1 --port "$SLIPWAY_REDIS_PORT" --dir "$SLIPWAY_STATE/redis" \
    --appendonly yes --appendfsync everysec --save "" --daemonize no --protected-mode yes
  wait_until 30 redis redis-cli -p "$SLIPWAY_REDIS_PORT" ping
}

start_dockerd() {
  local dir="$SLIPWAY_STATE/docker"
  mkdir -p "$dir" "$SLIPWAY_CACHE/docker"
  # No default bridge and no iptables: every build and container uses host networking,
  # so tests only ever talk to 127.0.0.1. The data root is cached so images survive runs.
  start_bg dockerd dockerd --bridge=none --iptables=false --ip6tables=false --ip-masq=false \
    --host "unix://$dir/docker.sock" --data-root "$SLIPWAY_CACHE/docker" --exec-root "$dir/exec" \
    --pidfile "$dir/dockerd.pid" --storage-driver overlay2
  wait_until 60 dockerd docker -H "unix://$dir/docker.sock" version
}

start_registry() {
  local dir="$SLIPWAY_STATE/registry"
  mkdir -p "$dir/data"
  if [ ! -f "$dir/password" ]; then
    head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$dir/password"
    chmod 600 "$dir/password"
  fi
  htpasswd -Bbn slipway "$(cat "$dir/password")" >"$dir/htpasswd"
  cat >"$dir/config.yml" <<YAML
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $dir/data }
  delete: { enabled: true }
http:
  addr: $SLIPWAY_REGISTRY_ADDR
  headers: { X-Content-Type-Options: [nosniff] }
auth:
  htpasswd: { realm: slipway-registry, path: $dir/htpasswd }
YAML
  start_bg registry docker-registry serve "$dir/config.yml"
  # 401 means it is up and asking for credentials.
  wait_until 30 registry bash -c "curl -s -o /dev/null -w '%{http_code}' http://$SLIPWAY_REGISTRY_ADDR/v2/ | grep -q 401"
}

start_git_daemon() {
  mkdir -p "$SLIPWAY_STATE/git"
  start_bg git-daemon git daemon --base-path="$SLIPWAY_STATE/git" --export-all --enable=receive-pack \
    --listen=127.0.0.1 --port="$SLIPWAY_GIT_PORT" --reuseaddr "$SLIPWAY_STATE/git"
  wait_until 30 git-daemon bash -c "exec 3<>/dev/tcp/127.0.0.1/$SLIPWAY_GIT_PORT"
}

write_env() {
  cat >"$SLIPWAY_STATE/env.sh" <<ENV
# Written by test/env/start.sh: where the local services listen.
export SLIPWAY_STATE='$SLIPWAY_STATE'
export SLIPWAY_REDIS_URL='redis://127.0.0.1:$SLIPWAY_REDIS_PORT'
export DOCKER_HOST='unix://$SLIPWAY_STATE/docker/docker.sock'
export SLIPWAY_REGISTRY='$SLIPWAY_REGISTRY_ADDR'
export SLIPWAY_REGISTRY_USER='slipway'
export SLIPWAY_REGISTRY_PASSWORD='$(cat "$SLIPWAY_STATE/registry/password")'
export SLIPWAY_BUILDER_IMAGES='local'
export SLIPWAY_GIT_ROOT='$SLIPWAY_STATE/git'
export SLIPWAY_GIT_URL='git://127.0.0.1:$SLIPWAY_GIT_PORT'
# The local git daemon is on loopback, over git://: allowed here, refused by default.
export SLIPWAY_ALLOWED_REPO_SCHEMES='https,ssh,git'
export SLIPWAY_ALLOW_PRIVATE_REPO_HOSTS='true'
# The local control plane (test/env/k8s): Slipway reaches it only through this kubeconfig.
export KUBECONFIG='$SLIPWAY_STATE/k8s/kubeconfig'
export SLIPWAY_K8S_BIN='$k8s_bin'
ENV
}

start_redis
start_dockerd
start_registry
start_git_daemon
# The Kubernetes binaries are built from Go modules once per version (minutes), then cached.
k8s_bin=$(bash "$ENV_DIR/k8s/build.sh" | tail -n1)
SLIPWAY_K8S_STATE="$SLIPWAY_STATE/k8s" bash "$ENV_DIR/k8s/start.sh" >/dev/null
write_env
DOCKER_HOST="unix://$SLIPWAY_STATE/docker/docker.sock" bash "$ENV_DIR/images.sh"
log "stack ready; variables in $SLIPWAY_STATE/env.sh"
