#!/usr/bin/env bash
# The official mongo image's entrypoint contract, for the FerretDB stand-in (never run as root):
#   - MONGO_INITDB_ROOT_USERNAME and _PASSWORD (both or neither; *_FILE variants too): the
#     server requires authentication, and on an empty /data/db that user is created in `admin`;
#   - on an empty /data/db, a temporary server that listens on 127.0.0.1:27018 only (neither the
#     service port nor any probe sees it) runs /docker-entrypoint-initdb.d/*.sh and *.js, the .js
#     with mongosh against MONGO_INITDB_DATABASE (default `test`), as the root user;
#   - then (and on every later start) exec the command, `ferretdb` by default, on 0.0.0.0:27017.
# FerretDB is configured through its FERRETDB_* environment variables, so flags given to the
# command still win.
#
# Started the sclorg way (OpenShift's `mongodb` stream, centos/mongodb-36-centos7) —
# MONGODB_ADMIN_PASSWORD, optionally MONGODB_USER/_PASSWORD/_DATABASE (together), and no
# MONGO_INITDB_* — it follows that contract instead: data in /var/lib/mongodb/data, the user
# `admin` (database admin) with MONGODB_ADMIN_PASSWORD, and MONGODB_USER created in
# MONGODB_DATABASE on first start. `mongo` (the legacy shell its probes call) is mongosh.
set -Eeo pipefail

DBPATH=/data/db
SCLORG=
if [ -z "${MONGO_INITDB_ROOT_USERNAME:-}${MONGO_INITDB_ROOT_PASSWORD:-}${MONGO_INITDB_ROOT_USERNAME_FILE:-}" ] \
   && [ -n "${MONGODB_ADMIN_PASSWORD:-}${MONGODB_USER:-}" ]; then
  SCLORG=true
  DBPATH=/var/lib/mongodb/data
  if [ -z "${MONGODB_ADMIN_PASSWORD:-}" ]; then
    echo >&2 'error: MONGODB_ADMIN_PASSWORD is required (and MONGODB_USER, MONGODB_PASSWORD, MONGODB_DATABASE are set together)'; exit 1
  fi
  if [ -n "${MONGODB_USER:-}${MONGODB_PASSWORD:-}${MONGODB_DATABASE:-}" ] && { [ -z "${MONGODB_USER:-}" ] || [ -z "${MONGODB_PASSWORD:-}" ] || [ -z "${MONGODB_DATABASE:-}" ]; }; then
    echo >&2 'error: MONGODB_USER, MONGODB_PASSWORD and MONGODB_DATABASE are set together'; exit 1
  fi
  export MONGO_INITDB_ROOT_USERNAME=admin MONGO_INITDB_ROOT_PASSWORD=$MONGODB_ADMIN_PASSWORD
fi

file_env() {
  local var=$1 file_var="${1}_FILE" def=${2:-}
  if [ "${!var:-}" ] && [ "${!file_var:-}" ]; then
    echo >&2 "error: both $var and $file_var are set (but are exclusive)"; exit 1
  fi
  local val=$def
  if [ "${!var:-}" ]; then val=${!var}; elif [ "${!file_var:-}" ]; then val=$(<"${!file_var}"); fi
  export "$var"="$val"
  unset "$file_var"
}

# The SQLite backend keeps one file per database: none yet means a fresh data directory.
fresh_dbpath() { ! compgen -G "$DBPATH/*.sqlite" >/dev/null; }

TEMP_PORT=27018
temp_shell() {
  mongosh --host 127.0.0.1 --port "$TEMP_PORT" --quiet \
    ${MONGO_INITDB_ROOT_USERNAME:+--username "$MONGO_INITDB_ROOT_USERNAME" --password "$MONGO_INITDB_ROOT_PASSWORD" --authenticationDatabase admin} "$@"
}

temp_server_start() {
  FERRETDB_LISTEN_ADDR="127.0.0.1:$TEMP_PORT" \
    FERRETDB_SETUP_DATABASE=${MONGO_INITDB_ROOT_USERNAME:+admin} \
    FERRETDB_SETUP_USERNAME=$MONGO_INITDB_ROOT_USERNAME \
    FERRETDB_SETUP_PASSWORD=$MONGO_INITDB_ROOT_PASSWORD \
    "$@" &
  TEMP_PID=$!
  for _ in $(seq 1 60); do
    if temp_shell --eval "db.adminCommand('ping')" >/dev/null 2>&1; then return 0; fi
    kill -0 "$TEMP_PID" 2>/dev/null || { echo >&2 "$0: the temporary server exited"; exit 1; }
    sleep 1
  done
  echo >&2 "$0: the temporary server did not answer in 60 s"; exit 1
}

temp_server_stop() {
  kill -TERM "$TEMP_PID"
  wait "$TEMP_PID" || true
}

# sclorg's application user, in its own database, with the roles its image gives it.
sclorg_user() {
  [ -n "$SCLORG" ] && [ -n "${MONGODB_USER:-}" ] || return 0
  MONGODB_USER=$MONGODB_USER MONGODB_PASSWORD=$MONGODB_PASSWORD temp_shell "$MONGODB_DATABASE" --eval \
    'db.createUser({ user: process.env.MONGODB_USER, pwd: process.env.MONGODB_PASSWORD, roles: ["readWrite", "dbAdmin"] })' >/dev/null
  echo "$0: created user $MONGODB_USER in $MONGODB_DATABASE"
}

process_init_files() {
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh)
        echo "$0: running $f"
        # shellcheck disable=SC1090 # the image's user supplies these
        . "$f" ;;
      *.js) echo "$0: running $f"; temp_shell "${MONGO_INITDB_DATABASE:-test}" "$f" ;;
      */\*) ;;
      *) echo "$0: ignoring $f" ;;
    esac
  done
}

if [ "${1:0:1}" = '-' ]; then set -- ferretdb "$@"; fi

if [ "$1" = ferretdb ]; then
  if [ "$(id -u)" = 0 ]; then
    echo >&2 "$0: this stand-in never runs as root; run it as uid 999 (or any non-root uid)"; exit 1
  fi
  file_env MONGO_INITDB_ROOT_USERNAME
  file_env MONGO_INITDB_ROOT_PASSWORD
  if { [ -n "$MONGO_INITDB_ROOT_USERNAME" ] && [ -z "$MONGO_INITDB_ROOT_PASSWORD" ]; } || { [ -z "$MONGO_INITDB_ROOT_USERNAME" ] && [ -n "$MONGO_INITDB_ROOT_PASSWORD" ]; }; then
    echo >&2 'error: MONGO_INITDB_ROOT_USERNAME and MONGO_INITDB_ROOT_PASSWORD must be set together'; exit 1
  fi
  export FERRETDB_HANDLER=${FERRETDB_HANDLER:-sqlite}
  export FERRETDB_SQLITE_URL=${FERRETDB_SQLITE_URL:-file:$DBPATH/}
  export FERRETDB_STATE_DIR=${FERRETDB_STATE_DIR:-$DBPATH}
  # Nothing leaves the pod: no telemetry beacon, no debug HTTP listener.
  export FERRETDB_TELEMETRY=${FERRETDB_TELEMETRY:-disable}
  export FERRETDB_DEBUG_ADDR=${FERRETDB_DEBUG_ADDR:--}
  # At warn, FerretDB dumps every command it answers with an error, and mongosh (the readiness
  # probe) sends a few it lacks (endSessions ...) on each run.
  export FERRETDB_LOG_LEVEL=${FERRETDB_LOG_LEVEL:-error}
  # As the official image's --auth when a root user is configured: SCRAM users, checked.
  [ -n "$MONGO_INITDB_ROOT_USERNAME" ] && export FERRETDB_TEST_ENABLE_NEW_AUTH=${FERRETDB_TEST_ENABLE_NEW_AUTH:-true}
  if fresh_dbpath && { [ -n "$MONGO_INITDB_ROOT_USERNAME" ] || [ -n "$(ls -A /docker-entrypoint-initdb.d 2>/dev/null)" ]; }; then
    temp_server_start "$@"
    sclorg_user
    process_init_files
    temp_server_stop
    echo "$0: MongoDB (FerretDB) init process complete; ready for start up."
  fi
  export FERRETDB_LISTEN_ADDR=${FERRETDB_LISTEN_ADDR:-0.0.0.0:27017}
fi

exec "$@"
