# Helpers shared by scripts/up.sh and scripts/test.sh. Sourced after test/env/lib.sh.

# npm ci only when package-lock.json changed since the last install.
ensure_node_modules() {
  local lock_hash
  lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ "$(cat node_modules/.slipway-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
    log "installing npm dependencies"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_hash" >node_modules/.slipway-lock-hash
  fi
}
