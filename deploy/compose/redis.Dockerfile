# Redis for docker-compose: Debian's redis-server, AOF on (queued builds survive restarts).
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends redis-server && rm -rf /var/lib/apt/lists/*
VOLUME /data
CMD ["sh", "-c", "exec redis-server --bind 127.0.0.1 --port ${REDIS_PORT:-6379} --dir /data --appendonly yes --protected-mode yes"]
