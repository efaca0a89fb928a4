#!/bin/sh
# Writes Redis' config from the environment, the password in a file only its user reads (never
# on a command line, where `ps` would show it), then serves.
set -eu
: "${REDIS_PASSWORD:?REDIS_PASSWORD must be set}"
# The same password goes into Slipway's redis:// URL: keep it to characters a URL and this
# config file take as they are (hex, say: openssl rand -hex 32).
case "$REDIS_PASSWORD" in
  *[!A-Za-z0-9._~-]*) echo "REDIS_PASSWORD may hold only letters, digits and . _ ~ - (try: openssl rand -hex 32)" >&2; exit 64 ;;
esac
umask 077
conf=$(mktemp)
cat >"$conf" <<CONF
bind 127.0.0.1
port ${REDIS_PORT:-6379}
protected-mode yes
dir /data
appendonly yes
appendfsync everysec
requirepass $REDIS_PASSWORD
CONF
exec redis-server "$conf"
