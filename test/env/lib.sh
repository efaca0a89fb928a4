# Shared helpers for the local stack scripts. Sourced, never run.
# Everything lives outside the checkout so a fresh clone (CI) reuses what an earlier run built:
#   $SLIPWAY_CACHE        built things kept across runs (docker images, rootfs tarball, Go caches)
#   $SLIPWAY_STATE        one running stack: pid files, logs, data, generated credentials
set -euo pipefail

SLIPWAY_CACHE=${SLIPWAY_CACHE:-$HOME/.cache/slipway}
SLIPWAY_STATE=${SLIPWAY_STATE:-$SLIPWAY_CACHE/state}
SLIPWAY_REDIS_PORT=${SLIPWAY_REDIS_PORT:-6390}
SLIPWAY_REGISTRY_ADDR=${SLIPWAY_REGISTRY_ADDR:-127.0.0.1:5000}
SLIPWAY_GIT_PORT=${SLIPWAY_GIT_PORT:-9419}
SLIPWAY_LOCAL_IMAGE_PREFIX=slipway-local/
ENV_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$ENV_DIR/../.." && pwd)
mkdir -p "$SLIPWAY_CACHE" "$SLIPWAY_STATE"

log() { printf '[env] %s\n' "$*" >&2; }
die() { printf '[env] error: %s\n' "$*" >&2; exit 1; }

# alive PIDFILE: true when the pid file names a running process.
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# wait_until SECONDS DESCRIPTION COMMAND...: poll COMMAND until it succeeds or the deadline passes.
wait_until() {
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || die "$what did not become ready in time (see logs in $SLIPWAY_STATE)"
    sleep 0.2
  done
}

# start_bg NAME COMMAND...: run a daemon in the background with its own log and pid file.
start_bg() {
  local name=$1; shift
  local pidfile="$SLIPWAY_STATE/$name.pid"
  if alive "$pidfile"; then log "$name already running (pid $(cat "$pidfile"))"; return 0; fi
  rm -f "$pidfile"
  setsid "$@" >>"$SLIPWAY_STATE/$name.log" 2>&1 < /dev/null &
  echo $! >"$pidfile"
  log "$name started (pid $!, log $SLIPWAY_STATE/$name.log)"
}

# stop_pid NAME: TERM the process named by NAME.pid, KILL it after a grace period.
stop_pid() {
  local pidfile="$SLIPWAY_STATE/$1.pid"
  [ -f "$pidfile" ] || return 0
  local pid; pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    log "$1 stopped"
  fi
  rm -f "$pidfile"
}

# new_secret FILE: a random password in FILE (mode 600), made once and kept.
new_secret() {
  [ -f "$1" ] && return 0
  head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$1"
  chmod 600 "$1"
}

# ensure_packages PKG...: apt-get install whatever is missing (one apt-get update per run).
ensure_packages() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
