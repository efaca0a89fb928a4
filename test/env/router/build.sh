#!/usr/bin/env bash
# Builds Traefik, the weighted traffic router of the test env (a Gateway API implementation in
# Go: HTTPRoute backendRefs with weights), from the Go module pinned in go.mod, into
# ~/.cache/slipway/router/bin/<traefik-version>/traefik (see ../go-tool-build.sh: cached by a
# stamp, the bin dir on the last line of stdout). Why Traefik: it is the Gateway API router that
# builds from the module proxy alone (no Envoy or nginx binary, no download).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$HERE/../go-tool-build.sh" "$HERE" github.com/traefik/traefik/v3 \
  github.com/traefik/traefik/v3/cmd/traefik traefik github.com/traefik/traefik/v3/pkg/version.Version
