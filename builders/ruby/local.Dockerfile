# Stand-in for ruby:3.1-slim-bookworm without rubygems.org: Debian bookworm's Ruby 3.1,
# Bundler and the gems the fixtures use, installed as Debian packages. GEM_HOME and BUNDLE_APP_CONFIG match the
# public image. The Dockerfile template runs the plain `bundle install`; here a `bundle` on
# PATH before Debian's adds --local, so it resolves from these installed gems only.
ARG BASE_IMAGE=slipway-local/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends ruby bundler ruby-rack ruby-sinatra ruby-webrick ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV GEM_HOME=/usr/local/bundle BUNDLE_APP_CONFIG=/usr/local/bundle BUNDLE_SILENCE_ROOT_WARNING=1 \
    PATH=/usr/local/bundle/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN mkdir -p /usr/local/bundle
COPY local-bundle.sh /usr/local/bin/bundle
CMD ["irb"]
