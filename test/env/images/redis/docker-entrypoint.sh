#!/usr/bin/env bash
# The stand-in's start, for both contracts:
#   - the official image's: `redis-server` and whatever arguments the command gives (the
#     built-in template passes --requirepass, --appendonly and --dir), no config file;
#   - sclorg's (quay.io/sclorg/redis-7-c9s, OpenShift's `redis` stream): started with no
#     arguments and REDIS_PASSWORD set, or its volume on /var/lib/redis/data — data there,
#     append-only, every address, the password required when given. `run-redis` starts it too.
set -Eeo pipefail
DATADIR=/var/lib/redis/data

if [ "$1" = redis-server ] && [ "$#" -eq 1 ]; then
  if [ -n "${REDIS_PASSWORD:-}" ] || awk -v d="$DATADIR" '$5 == d { found = 1 } END { exit !found }' /proc/self/mountinfo; then
    set -- redis-server --dir "$DATADIR" --appendonly yes --bind 0.0.0.0 --protected-mode no
    [ -n "${REDIS_PASSWORD:-}" ] && set -- "$@" --requirepass "$REDIS_PASSWORD"
  fi
fi
exec "$@"
