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

# npm run build:web only when the dashboard's sources (or the locked dependencies) changed
# since web/dist was built; the hash is kept inside web/dist, so deleting it rebuilds too.
ensure_web_build() {
  local src_hash
  # The dashboard also takes the API's record types and constants from src/store/types.ts and views.ts.
  src_hash=$( (find web -path web/dist -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum; sha256sum package-lock.json src/store/types.ts src/store/views.ts) | sha256sum | cut -d' ' -f1)
  if [ "$(cat web/dist/.slipway-src-hash 2>/dev/null)" != "$src_hash" ]; then
    log "building the web dashboard"
    npm run --silent build:web >/dev/null
    echo "$src_hash" >web/dist/.slipway-src-hash
  fi
}
