# Stand-in for nginxinc/nginx-unprivileged:1.22: Debian bookworm's nginx, which is 1.22. Slipway's
# generated config is self-contained (pid, temp paths and logs in /tmp or stdout), so the
# Debian defaults under /var never matter.
ARG BASE_IMAGE=slipway-local/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx ca-certificates \
 && rm -rf /var/lib/apt/lists/*
CMD ["nginx", "-g", "daemon off;"]
