# An image registry for docker-compose: Debian's docker-registry with htpasswd auth.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends docker-registry apache2-utils && rm -rf /var/lib/apt/lists/*
COPY registry-start.sh /usr/local/bin/registry-start
VOLUME /var/lib/registry
CMD ["registry-start"]
