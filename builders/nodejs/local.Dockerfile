# Stand-in for node:20-bookworm-slim on machines that cannot pull public images:
# Debian's own nodejs and npm on the local Debian base. Same shell, same paths (/usr/bin/node).
ARG BASE_IMAGE=slipway-local/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
CMD ["node"]
