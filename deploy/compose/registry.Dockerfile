# An image registry for docker-compose: Debian's docker-registry with htpasswd auth, run as the
# package's `docker-registry` user.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends docker-registry apache2-utils && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /var/lib/registry && chown docker-registry:docker-registry /var/lib/registry
COPY registry-start.sh /usr/local/bin/registry-start
# A new named volume takes the ownership of /var/lib/registry from here.
VOLUME /var/lib/registry
USER docker-registry
CMD ["registry-start"]
