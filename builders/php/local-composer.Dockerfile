# Stand-in for composer:2: Debian's PHP CLI and Composer. Packagist is not reachable from
# here, so only apps without remote dependencies install offline.
ARG BASE_IMAGE=slipway-local/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends php-cli composer unzip ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV COMPOSER_ALLOW_SUPERUSER=1 COMPOSER_HOME=/tmp
WORKDIR /app
CMD ["composer"]
