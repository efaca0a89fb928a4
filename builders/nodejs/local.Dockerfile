# Stand-in for node:20-bookworm-slim on machines that cannot pull public images: the local
# Debian base with this machine's Node.js 20 and npm (imported by test/env/images.sh), at the
# paths the public image uses (/usr/local/bin/node).
ARG BASE_IMAGE=slipway-local/debian:bookworm
ARG NODE_DIST_IMAGE
FROM ${NODE_DIST_IMAGE} AS node

FROM ${BASE_IMAGE}
COPY --from=node /usr/bin/node /usr/local/bin/node
COPY --from=node /usr/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
CMD ["node"]
