#!/usr/bin/env bash
# The official postgres image's entrypoint contract, for the stand-in (never run as root):
#   - PGDATA without PG_VERSION: initdb with POSTGRES_USER (default postgres) and POSTGRES_PASSWORD
#     (required, unless POSTGRES_HOST_AUTH_METHOD=trust), `host all all all scram-sha-256`
#     appended to pg_hba.conf, then a temporary server listening only on its Unix socket creates
#     POSTGRES_DB (default: the user's name) and runs /docker-entrypoint-initdb.d/*.sh|*.sql.
#   - then (and on every later start) exec the command, `postgres` by default.
# *_FILE variants (POSTGRES_PASSWORD_FILE ...) are read as the official image reads them.
#
# Started the sclorg way (quay.io/sclorg/postgresql-*, OpenShift's `postgresql` image stream) —
# POSTGRESQL_USER, POSTGRESQL_PASSWORD, POSTGRESQL_DATABASE (all three, or none) and/or
# POSTGRESQL_ADMIN_PASSWORD, and no POSTGRES_* variable — it follows that image's contract
# instead: data in /var/lib/pgsql/data/userdata (the volume goes on /var/lib/pgsql/data), the
# superuser `postgres` with POSTGRESQL_ADMIN_PASSWORD (if given), POSTGRESQL_USER owning
# POSTGRESQL_DATABASE, `host all all all md5` and local connections trusted, as sclorg's
# run-postgresql does. /usr/libexec/check-container is its probe.
set -Eeo pipefail

sclorg_mode() {
  [ -z "${POSTGRES_PASSWORD:-}${POSTGRES_USER:-}${POSTGRES_DB:-}${POSTGRES_PASSWORD_FILE:-}" ] \
    && [ -n "${POSTGRESQL_USER:-}${POSTGRESQL_PASSWORD:-}${POSTGRESQL_DATABASE:-}${POSTGRESQL_ADMIN_PASSWORD:-}" ]
}

# sclorg's variables: as its image says when they are incomplete.
sclorg_env() {
  if [ -n "${POSTGRESQL_USER:-}" ] || [ -n "${POSTGRESQL_PASSWORD:-}" ] || [ -n "${POSTGRESQL_DATABASE:-}" ]; then
    if [ -z "${POSTGRESQL_USER:-}" ] || [ -z "${POSTGRESQL_PASSWORD:-}" ] || [ -z "${POSTGRESQL_DATABASE:-}" ]; then
      echo >&2 'You must either specify the following environment variables:'
      echo >&2 '  POSTGRESQL_USER, POSTGRESQL_PASSWORD, POSTGRESQL_DATABASE'
      echo >&2 'Or the following environment variable:'
      echo >&2 '  POSTGRESQL_ADMIN_PASSWORD'
      echo >&2 'Or both.'
      exit 1
    fi
    [ "$POSTGRESQL_USER" = postgres ] && { echo >&2 'POSTGRESQL_USER may not be "postgres": use POSTGRESQL_ADMIN_PASSWORD for it'; exit 1; }
  fi
  export PGDATA=/var/lib/pgsql/data/userdata
  # initdb's superuser; it has a password only when POSTGRESQL_ADMIN_PASSWORD is given.
  export POSTGRES_USER=postgres POSTGRES_PASSWORD=${POSTGRESQL_ADMIN_PASSWORD:-} POSTGRES_DB=postgres
  export POSTGRES_HOST_AUTH_METHOD=md5
  DATABASE_ALREADY_EXISTS=
  [ -s "$PGDATA/PG_VERSION" ] && DATABASE_ALREADY_EXISTS=true
  return 0
}

# As sclorg's image: the application user owns its database; the superuser's password is set
# only when given (without one, `postgres` can log in over the local socket only).
sclorg_setup_db() {
  if [ -n "${POSTGRESQL_USER:-}" ]; then
    psql_run --dbname postgres --set user="$POSTGRESQL_USER" --set password="$POSTGRESQL_PASSWORD" --set db="$POSTGRESQL_DATABASE" <<'SQL'
CREATE USER :"user" WITH ENCRYPTED PASSWORD :'password';
CREATE DATABASE :"db" OWNER :"user";
SQL
  fi
}

# file_env VAR [DEFAULT]: VAR from $VAR or from the file named by $VAR_FILE (not both).
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

setup_env() {
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  : "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
  DATABASE_ALREADY_EXISTS=
  [ -s "$PGDATA/PG_VERSION" ] && DATABASE_ALREADY_EXISTS=true
  return 0
}

create_directories() {
  mkdir -p "$PGDATA"
  # initdb refuses a data directory others can read (0700 or 0750 only).
  chmod 00700 "$PGDATA" 2>/dev/null || :
  mkdir -p /var/run/postgresql
  chmod 03775 /var/run/postgresql 2>/dev/null || :
}

verify_minimum_env() {
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    cat >&2 <<'MSG'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".
MSG
    exit 1
  fi
}

init_database_dir() {
  # initdb looks the running uid up in passwd: an arbitrary uid (OpenShift) has no entry, so
  # nss_wrapper gives it one for initdb only, as the official image does.
  local wrapper
  wrapper=$(find /usr/lib -name libnss_wrapper.so -print -quit)
  if ! getent passwd "$(id -u)" >/dev/null 2>&1 && [ -n "$wrapper" ]; then
    NSS_WRAPPER_PASSWD=$(mktemp) NSS_WRAPPER_GROUP=$(mktemp)
    echo "postgres:x:$(id -u):$(id -g):PostgreSQL:$PGDATA:/bin/false" >"$NSS_WRAPPER_PASSWD"
    echo "postgres:x:$(id -g):" >"$NSS_WRAPPER_GROUP"
    export LD_PRELOAD=$wrapper NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
  fi
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of words on purpose
  if [ -n "$POSTGRES_PASSWORD" ]; then
    initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") $POSTGRES_INITDB_ARGS
  else
    initdb --username="$POSTGRES_USER" $POSTGRES_INITDB_ARGS
  fi
  if [ "${LD_PRELOAD:-}" = "$wrapper" ] && [ -n "$wrapper" ]; then
    rm -f "$NSS_WRAPPER_PASSWD" "$NSS_WRAPPER_GROUP"
    unset LD_PRELOAD NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
  fi
}

setup_hba_conf() {
  printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"
}

# The temporary server listens on its Unix socket only: nothing (a TCP readiness probe
# included) can reach it before initialisation has finished.
temp_server_start() {
  PGUSER=$POSTGRES_USER pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p ${PGPORT:-5432}" -w start
}

temp_server_stop() {
  PGUSER=$POSTGRES_USER pg_ctl -D "$PGDATA" -m fast -w stop
}

psql_run() {
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc "$@"
}

setup_db() {
  local exists
  exists=$(psql_run --dbname postgres --set db="$POSTGRES_DB" --tuples-only <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")
  if [ -z "$exists" ]; then
    psql_run --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
    echo
  fi
}

process_init_files() {
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh)
        # shellcheck disable=SC1090 # the image's user supplies these
        if [ -x "$f" ]; then echo "$0: running $f"; "$f"; else echo "$0: sourcing $f"; . "$f"; fi ;;
      *.sql) echo "$0: running $f"; psql_run --dbname "$POSTGRES_DB" -f "$f"; echo ;;
      *.sql.gz) echo "$0: running $f"; gunzip -c "$f" | psql_run --dbname "$POSTGRES_DB"; echo ;;
      */\*) ;;
      *) echo "$0: ignoring $f" ;;
    esac
  done
}

if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi

if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
  echo >&2 "$0: this stand-in never runs as root; run it as uid 999 (or any non-root uid)"
  exit 1
fi

if [ "$1" = postgres ] && sclorg_mode; then
  sclorg_env
  create_directories
  if [ -z "$DATABASE_ALREADY_EXISTS" ]; then
    ls /docker-entrypoint-initdb.d/ >/dev/null
    init_database_dir
    printf '\nlocal all all trust\n' >>"$PGDATA/pg_hba.conf"
    setup_hba_conf
    temp_server_start
    sclorg_setup_db
    process_init_files
    temp_server_stop
    echo "$0: PostgreSQL (sclorg contract) init process complete; ready for start up."
  else
    echo "$0: PostgreSQL Database directory appears to contain a database; skipping initialization"
  fi
elif [ "$1" = postgres ]; then
  setup_env
  create_directories
  if [ -z "$DATABASE_ALREADY_EXISTS" ]; then
    verify_minimum_env
    ls /docker-entrypoint-initdb.d/ >/dev/null
    init_database_dir
    setup_hba_conf
    export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
    temp_server_start
    setup_db
    process_init_files
    temp_server_stop
    unset PGPASSWORD
    echo "$0: PostgreSQL init process complete; ready for start up."
  else
    echo "$0: PostgreSQL Database directory appears to contain a database; skipping initialization"
  fi
fi

exec "$@"
