# Redis for docker-compose: Debian's redis-server, AOF on (queued builds survive restarts), a
# password required, run as the package's `redis` user.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends redis-server && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /data && chown redis:redis /data
COPY redis-start.sh /usr/local/bin/redis-start
# A new named volume takes the ownership of /data from here.
VOLUME /data
USER redis
CMD ["redis-start"]
