#!/usr/bin/env bash
# Installs (apt) and starts the services Slipway needs, all on 127.0.0.1, then writes
# $SLIPWAY_STATE/env.sh with the variables that point Slipway and its tests at them.
# Idempotent: a running service is left alone; a stale pid file is replaced.
source "$(dirname "$0")/lib.sh"

# chromium: the dashboard's end-to-end test drives it headless (playwright-core; no browser download).
ensure_packages iptables redis-server docker.io docker-compose docker-registry apache2-utils debootstrap git ca-certificates openssl curl util-linux chromium mawk
# The machine may ship a newer docker CLI in /usr/local/bin; the engine is Debian's dockerd.
command -v dockerd >/dev/null || die "dockerd not found after installing docker.io"
# Prometheus, for a strategy's metric analysis (test/env/prometheus), and sshd, for the private
# repo tests (test/helpers/ssh-git-server.ts runs its own on 127.0.0.1): Debian's packages, their
# own services never started (a policy-rc.d says so during the install, unless one already does).
if ! dpkg-query -W -f='${Status}\n' prometheus openssh-server 2>/dev/null | grep -c 'ok installed' | grep -q '^2$'; then
  policy=/usr/sbin/policy-rc.d made_policy=0
  [ -e "$policy" ] || { printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; made_policy=1; }
  ensure_packages prometheus openssh-server
  if [ "$made_policy" = 1 ]; then rm -f "$policy"; fi
fi

start_redis() {
  local dir="$SLIPWAY_STATE/redis"
  mkdir -p "$dir"
  # A password, always: a process that reaches the port (a build step, say) must not read every
  # app's records. Kept with the stack's state; in a config file, not on the command line (ps).
  new_secret "$dir/password"
  cat >"$dir/redis.conf" <<CONF
bind 127.0.0.1
port $SLIPWAY_REDIS_PORT
dir $dir
requirepass $(cat "$dir/password")
# AOF on: a restarted Redis must lose no queued build.
appendonly yes
appendfsync everysec
save ""
daemonize no
protected-mode yes
CONF
  chmod 600 "$dir/redis.conf"
  start_bg redis redis-server "$dir/redis.conf"
  wait_until 30 redis env REDISCLI_AUTH="$(cat "$dir/password")" redis-cli -p "$SLIPWAY_REDIS_PORT" ping
}

start_dockerd() {
  local dir="$SLIPWAY_STATE/docker"
  mkdir -p "$dir" "$SLIPWAY_CACHE/docker"
  # iptables on, so builds get a bridge network with NAT out to the package registries and
  # nothing else (deploy/build-network.sh); no default bridge, so nothing lands on one by
  # accident. The data root is cached so images survive runs.
  start_bg dockerd dockerd --bridge=none --iptables=true --ip-masq=true --ip6tables=false \
    --host "unix://$dir/docker.sock" --data-root "$SLIPWAY_CACHE/docker" --exec-root "$dir/exec" \
    --pidfile "$dir/dockerd.pid" --storage-driver overlay2
  wait_until 60 dockerd docker -H "unix://$dir/docker.sock" version
  DOCKER_HOST="unix://$dir/docker.sock" SLIPWAY_BUILD_EGRESS_ALLOW="$(registry_addresses)" \
    bash "$REPO_ROOT/deploy/build-network.sh" >/dev/null
}

# The addresses the package registries builds use resolve to here. On this machine they answer
# behind a proxy at an address in a range the build network refuses by default (a documentation
# range), so exactly those addresses are allowed; elsewhere they are public and this adds nothing.
registry_addresses() {
  local hosts="registry.npmjs.org registry.yarnpkg.com pypi.org files.pythonhosted.org proxy.golang.org
    sum.golang.org repo.maven.apache.org repo1.maven.org rubygems.org index.rubygems.org repo.packagist.org
    deb.debian.org security.debian.org"
  # shellcheck disable=SC2086
  getent ahostsv4 $hosts 2>/dev/null | awk '{ print $1 "/32" }' | sort -u | paste -sd, -
}

start_registry() {
  local dir="$SLIPWAY_STATE/registry"
  mkdir -p "$dir/data"
  new_secret "$dir/password"
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
  # The key app and build secrets are encrypted with at rest (AES-256-GCM): 32 random bytes, base64.
  [ -f "$SLIPWAY_STATE/secrets.key" ] || { head -c 32 /dev/urandom | base64 >"$SLIPWAY_STATE/secrets.key"; chmod 600 "$SLIPWAY_STATE/secrets.key"; }
  cat >"$SLIPWAY_STATE/env.sh" <<ENV
# Written by test/env/start.sh: where the local services listen.
export SLIPWAY_STATE='$SLIPWAY_STATE'
export SLIPWAY_REDIS_URL='redis://:$(cat "$SLIPWAY_STATE/redis/password")@127.0.0.1:$SLIPWAY_REDIS_PORT'
export DOCKER_HOST='unix://$SLIPWAY_STATE/docker/docker.sock'
export SLIPWAY_REGISTRY='$SLIPWAY_REGISTRY_ADDR'
export SLIPWAY_REGISTRY_USER='slipway'
export SLIPWAY_REGISTRY_PASSWORD='$(cat "$SLIPWAY_STATE/registry/password")'
export SLIPWAY_BUILDER_IMAGES='local'
export SLIPWAY_SECRETS_KEY_FILE='$SLIPWAY_STATE/secrets.key'
# Where the package registries answer on this machine: the build network lets builds reach them.
export SLIPWAY_BUILD_EGRESS_ALLOW='$(registry_addresses)'
export SLIPWAY_GIT_ROOT='$SLIPWAY_STATE/git'
export SLIPWAY_GIT_URL='git://127.0.0.1:$SLIPWAY_GIT_PORT'
# The local git daemon is on loopback, over git://: allowed here, refused by default.
export SLIPWAY_ALLOWED_REPO_SCHEMES='https,ssh,git'
export SLIPWAY_ALLOW_PRIVATE_REPO_HOSTS='true'
# The local control plane (test/env/k8s): Slipway reaches it only through this kubeconfig.
export KUBECONFIG='$SLIPWAY_STATE/k8s/kubeconfig'
export SLIPWAY_K8S_BIN='$k8s_bin'
# The real node (test/env/node): tests that need pods to really run place them there, with
# the install-wide placement settings Slipway reads (SLIPWAY_POD_NODE_SELECTOR, _TOLERATIONS).
export SLIPWAY_REAL_NODE='$real_node'
export SLIPWAY_REAL_NODE_SELECTOR='slipway.dev/node=real'
export SLIPWAY_REAL_NODE_TOLERATIONS='slipway.dev/real-node=true:NoSchedule'
export SLIPWAY_NODE_STATE='$SLIPWAY_STATE/node'
# The weighted traffic router (test/env/router): a Gateway API Gateway and where it listens.
export SLIPWAY_TEST_GATEWAY='slipway-gateway/edge'
export SLIPWAY_TEST_GATEWAY_URL='http://127.0.0.1:18000'
# The same router serves Ingresses of this class: HTTP on the Gateway's port, TLS (SNI) on its own.
export SLIPWAY_TEST_INGRESS_CLASS='slipway-test'
export SLIPWAY_TEST_INGRESS_TLS_URL='https://127.0.0.1:18443'
# Prometheus (test/env/prometheus), scraping annotated pods every second: what a strategy's metric analysis asks.
export SLIPWAY_TEST_PROMETHEUS_URL='http://127.0.0.1:19090'
# The database stand-ins (SLIPWAY_TEST_POSTGRESQL_IMAGE ...), by digest: images.sh writes them.
if [ -f '$SLIPWAY_STATE/db-images.env' ]; then . '$SLIPWAY_STATE/db-images.env'; fi
ENV
}

# The router's Go modules come over the network while the CPU builds the control plane.
( cd "$ENV_DIR/router" && PATH="$PATH:/usr/local/go/bin" GOMODCACHE="$SLIPWAY_CACHE/go-mod" GOFLAGS=-mod=readonly go mod download >"$SLIPWAY_STATE/router-download.log" 2>&1 ) &
router_download=$!
start_redis
start_dockerd
start_registry
start_git_daemon
# The local base, builder and database stand-in images (debootstrap, apt, npm and pip downloads:
# mostly network) are built while the CPU compiles the Go pieces below; only Docker and the
# registry, both up now, are needed. Waited for before the env file is written.
DOCKER_HOST="unix://$SLIPWAY_STATE/docker/docker.sock" bash "$ENV_DIR/images.sh" &
images=$!
# The Kubernetes binaries are built from Go modules once per version (minutes), then cached.
k8s_bin=$(bash "$ENV_DIR/k8s/build.sh" | tail -n1)
SLIPWAY_K8S_STATE="$SLIPWAY_STATE/k8s" bash "$ENV_DIR/k8s/start.sh" >/dev/null
# One real node (kubelet + its own containerd + CNI bridge, kube-proxy, CoreDNS) beside the
# kwok nodes, after the control plane it joins. Built once per version and cached like the
# control plane (about 5 min with a warm Go cache); tainted, so only pods that tolerate it land there.
bash "$ENV_DIR/node/build.sh" >/dev/null
real_node=$(SLIPWAY_K8S_STATE="$SLIPWAY_STATE/k8s" SLIPWAY_NODE_STATE="$SLIPWAY_STATE/node" bash "$ENV_DIR/node/start.sh" | tail -n1)
wait "$router_download" || log "router: go mod download failed (see $SLIPWAY_STATE/router-download.log); the build retries it"
bash "$ENV_DIR/prometheus/start.sh" "$k8s_bin"
# The weighted traffic router (Traefik as a Gateway API controller: a canary behind it gets
# exact shares) and metrics-server (HorizontalPodAutoscalers read it), built from Go modules
# once per version like the rest (test/env/late-services.sh). scripts/test.sh has them built in
# the background while the first test files run. A start.sh run while that job is still going
# (a test restarting Redis, say) leaves it to finish.
if alive "$SLIPWAY_STATE/late-services.pid"; then
  log "router and metrics-server: still being built and started in the background ($SLIPWAY_STATE/late-services.log)"
elif [ "${SLIPWAY_ENV_LATE_SERVICES:-0}" = 1 ]; then
  rm -f "$SLIPWAY_STATE/late-services.status"
  start_bg late-services bash "$ENV_DIR/late-services.sh" "$k8s_bin"
else
  bash "$ENV_DIR/late-services.sh" "$k8s_bin"
fi
wait "$images" || die "the local images were not built (see the lines above and $SLIPWAY_STATE/images.log)"
write_env
log "stack ready; variables in $SLIPWAY_STATE/env.sh"
