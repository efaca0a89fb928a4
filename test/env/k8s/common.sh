# shellcheck shell=bash
# Sourced by the control plane's scripts (test/env/k8s) and the real node's (test/env/node):
# what building and running Kubernetes pieces from Go modules share. Callers define `log`.

# k8s_ldflags VERSION: the linker flags of a Kubernetes binary. The -X flags are those of
# kubernetes' hack/lib/version.sh: without them the binaries report v0.0.0-master, which
# confuses clients (and the apiserver's version-skew checks) that read the version. -s -w drop
# symbol/DWARF tables: ~30% smaller binaries, never debugged here.
k8s_ldflags() {
  local version=$1 minor flags="-s -w" pkg
  minor="${version#v1.}"; minor="${minor%%.*}"
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    flags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  echo "$flags"
}

# stop_recorded NAME PIDFILE: TERM the pid in PIDFILE if it still runs a binary called NAME
# (argv[0] ends in /NAME: a stale pid file may point at an unrelated, reused pid), KILL it after
# 15 s, and remove the pid file. Graceful first: etcd flushes, the apiserver drains.
stop_recorded() {
  local name=$1 f=$2 pid argv0=""
  [ -f "$f" ] || return 0
  pid="$(cat "$f")"
  { IFS= read -r -d '' argv0 <"/proc/$pid/cmdline"; } 2>/dev/null || true
  if [ -n "$pid" ] && [ "${argv0##*/}" = "$name" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name ($pid) did not exit on TERM; killing"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $name ($pid)"
  fi
  rm -f "$f"
}
