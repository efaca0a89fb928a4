#!/bin/sh
# Writes the registry's config and htpasswd from the environment, then serves.
set -eu
: "${REGISTRY_USER:?REGISTRY_USER must be set}"
: "${REGISTRY_PASSWORD:?REGISTRY_PASSWORD must be set}"
htpasswd -Bbn "$REGISTRY_USER" "$REGISTRY_PASSWORD" >/etc/docker-registry.htpasswd
cat >/etc/docker-registry.yml <<YAML
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: /var/lib/registry }
  delete: { enabled: true }
http:
  addr: ${REGISTRY_ADDR:-127.0.0.1:5000}
auth:
  htpasswd: { realm: slipway-registry, path: /etc/docker-registry.htpasswd }
YAML
exec docker-registry serve /etc/docker-registry.yml
