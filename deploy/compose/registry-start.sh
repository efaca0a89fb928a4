#!/bin/sh
# Writes the registry's config and htpasswd from the environment (into a directory only its
# user reads), then serves.
set -eu
: "${REGISTRY_USER:?REGISTRY_USER must be set}"
: "${REGISTRY_PASSWORD:?REGISTRY_PASSWORD must be set}"
umask 077
dir=$(mktemp -d)
htpasswd -Bbn "$REGISTRY_USER" "$REGISTRY_PASSWORD" >"$dir/htpasswd"
cat >"$dir/config.yml" <<YAML
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: /var/lib/registry }
  delete: { enabled: true }
http:
  addr: ${REGISTRY_ADDR:-127.0.0.1:5000}
auth:
  htpasswd: { realm: slipway-registry, path: $dir/htpasswd }
YAML
exec docker-registry serve "$dir/config.yml"
