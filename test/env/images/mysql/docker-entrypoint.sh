#!/usr/bin/env bash
# The official mysql image's entrypoint contract, for the MariaDB stand-in (never run as root):
#   - /var/lib/mysql without a `mysql` system schema: initialise it, start a temporary server
#     that does not listen on TCP (--skip-networking), give root MYSQL_ROOT_PASSWORD (root@'%'
#     too, as MYSQL_ROOT_HOST's default), create MYSQL_DATABASE and MYSQL_USER/MYSQL_PASSWORD with
#     every privilege on it, run /docker-entrypoint-initdb.d/*.sh|*.sql|*.sql.gz, stop it;
#   - then (and on every later start) exec the command, `mysqld` by default.
# MYSQL_ALLOW_EMPTY_PASSWORD / MYSQL_RANDOM_ROOT_PASSWORD and *_FILE variants as the official image.
#
# The sclorg contract (quay.io/sclorg/mariadb-*, mysql-*; OpenShift's `mysql`/`mariadb` streams)
# uses the same MYSQL_* variables with data in /var/lib/mysql/data, where its templates mount
# the volume: when that path is a mount point (or already holds a database), it is the data
# directory; MYSQL_ROOT_PASSWORD is optional there (without it root gets a random password, as
# good as none: sclorg's root has no remote access without one). `run-mysqld` starts it too.
set -Eeo pipefail

DATADIR=/var/lib/mysql
SCLORG_DATADIR=/var/lib/mysql/data
if awk -v d="$SCLORG_DATADIR" '$5 == d { found = 1 } END { exit !found }' /proc/self/mountinfo || [ -d "$SCLORG_DATADIR/mysql" ]; then
  DATADIR=$SCLORG_DATADIR
  SCLORG=true
fi
SOCKET=/run/mysqld/mysqld.sock

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

# A value inside '...' in SQL: backslashes and quotes escaped.
sql_string() { local s=${1//\\/\\\\}; printf '%s' "${s//\'/\\\'}"; }
# An identifier inside `...`.
sql_ident() { printf '%s' "${1//\`/\`\`}"; }

verify_minimum_env() {
  if [ -n "${SCLORG:-}" ] && [ -z "$MYSQL_ROOT_PASSWORD" ] && [ -n "$MYSQL_USER" ] && [ -n "$MYSQL_DATABASE" ]; then
    MYSQL_RANDOM_ROOT_PASSWORD=yes
  fi
  if [ -n "${SCLORG:-}" ] && { [ -n "$MYSQL_USER" ] || [ -n "$MYSQL_PASSWORD" ] || [ -n "$MYSQL_DATABASE" ]; } \
     && { [ -z "$MYSQL_USER" ] || [ -z "$MYSQL_PASSWORD" ] || [ -z "$MYSQL_DATABASE" ]; }; then
    echo >&2 'error: MYSQL_USER, MYSQL_PASSWORD and MYSQL_DATABASE are set together (or MYSQL_ROOT_PASSWORD alone)'; exit 1
  fi
  if [ -z "$MYSQL_ROOT_PASSWORD" ] && [ -z "$MYSQL_ALLOW_EMPTY_PASSWORD" ] && [ -z "$MYSQL_RANDOM_ROOT_PASSWORD" ]; then
    echo >&2 'error: database is uninitialized and password option is not specified'
    echo >&2 '  You need to specify one of MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD and MYSQL_RANDOM_ROOT_PASSWORD'
    exit 1
  fi
  if [ "$MYSQL_USER" = root ]; then
    echo >&2 'error: MYSQL_USER="root": use MYSQL_ROOT_PASSWORD for the root user'; exit 1
  fi
  if [ -n "$MYSQL_USER" ] && [ -z "$MYSQL_PASSWORD" ]; then
    echo >&2 'error: MYSQL_USER is set but MYSQL_PASSWORD is not'; exit 1
  fi
}

client() { mysql --protocol=socket --socket="$SOCKET" -uroot -hlocalhost "$@"; }

temp_server_start() {
  "$@" --skip-networking --socket="$SOCKET" --loose-innodb-buffer-pool-load-at-startup=0 &
  TEMP_PID=$!
  for _ in $(seq 1 60); do
    # root has no password yet (mariadb-install-db); setup_db gives it one.
    if client --database=mysql -e 'SELECT 1' >/dev/null 2>&1; then return 0; fi
    kill -0 "$TEMP_PID" 2>/dev/null || { echo >&2 "$0: the temporary server exited"; exit 1; }
    sleep 1
  done
  echo >&2 "$0: the temporary server did not answer in 60 s"; exit 1
}

temp_server_stop() {
  mysqladmin --socket="$SOCKET" -uroot --password="$MYSQL_ROOT_PASSWORD" shutdown
  wait "$TEMP_PID"
}

setup_db() {
  if [ -n "$MYSQL_RANDOM_ROOT_PASSWORD" ]; then
    MYSQL_ROOT_PASSWORD=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
    echo "GENERATED ROOT PASSWORD: $MYSQL_ROOT_PASSWORD"
  fi
  local root_pw database user password
  root_pw=$(sql_string "$MYSQL_ROOT_PASSWORD")
  {
    echo "SET @@SESSION.SQL_LOG_BIN=0;"
    echo "DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host NOT IN ('localhost'));"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$root_pw';"
    echo "CREATE USER 'root'@'${MYSQL_ROOT_HOST:-%}' IDENTIFIED BY '$root_pw';"
    echo "GRANT ALL ON *.* TO 'root'@'${MYSQL_ROOT_HOST:-%}' WITH GRANT OPTION;"
    if [ -n "$MYSQL_DATABASE" ]; then
      database=$(sql_ident "$MYSQL_DATABASE")
      echo "CREATE DATABASE IF NOT EXISTS \`$database\`;"
    fi
    if [ -n "$MYSQL_USER" ]; then
      user=$(sql_string "$MYSQL_USER") password=$(sql_string "$MYSQL_PASSWORD")
      echo "CREATE USER '$user'@'%' IDENTIFIED BY '$password';"
      [ -n "$MYSQL_DATABASE" ] && echo "GRANT ALL ON \`$database\`.* TO '$user'@'%';"
    fi
    echo "FLUSH PRIVILEGES;"
  } | client --database=mysql
}

process_init_files() {
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh)
        # shellcheck disable=SC1090 # the image's user supplies these
        if [ -x "$f" ]; then echo "$0: running $f"; "$f"; else echo "$0: sourcing $f"; . "$f"; fi ;;
      *.sql) echo "$0: running $f"; client --password="$MYSQL_ROOT_PASSWORD" ${MYSQL_DATABASE:+--database="$MYSQL_DATABASE"} <"$f" ;;
      *.sql.gz) echo "$0: running $f"; gunzip -c "$f" | client --password="$MYSQL_ROOT_PASSWORD" ${MYSQL_DATABASE:+--database="$MYSQL_DATABASE"} ;;
      */\*) ;;
      *) echo "$0: ignoring $f" ;;
    esac
  done
}

if [ "${1:0:1}" = '-' ]; then set -- mysqld "$@"; fi

if [ "$1" = mysqld ] || [ "$1" = mariadbd ]; then
  # After the config files' datadir (/var/lib/mysql): the command line wins.
  set -- "$@" --datadir="$DATADIR"
  if [ "$(id -u)" = 0 ]; then
    echo >&2 "$0: this stand-in never runs as root; run it as uid 999 (or any non-root uid)"; exit 1
  fi
  file_env MYSQL_ROOT_PASSWORD
  file_env MYSQL_DATABASE
  file_env MYSQL_USER
  file_env MYSQL_PASSWORD
  if [ ! -d "$DATADIR/mysql" ]; then
    verify_minimum_env
    ls /docker-entrypoint-initdb.d/ >/dev/null
    echo "$0: initializing database files"
    # root@localhost starts without a password (normal authentication, not unix_socket:
    # an arbitrary uid has no user name to match); setup_db gives it one.
    mariadb-install-db --datadir="$DATADIR" --auth-root-authentication-method=normal \
      --skip-test-db --default-time-zone=SYSTEM --skip-log-bin --expire-logs-days=0 \
      --loose-innodb-buffer-pool-load-at-startup=0 --loose-innodb-buffer-pool-dump-at-shutdown=0 >/dev/null
    temp_server_start "$@"
    setup_db
    process_init_files
    temp_server_stop
    echo "$0: MySQL init process done; ready for start up."
  fi
fi

exec "$@"
