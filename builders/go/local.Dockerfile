# Stand-in for golang:1.22-bookworm: Go 1.22 from bookworm-backports (bookworm itself has
# 1.19), with the public image's GOPATH, PATH and GOTOOLCHAIN=local. A go.mod asking for a newer
# Go gets GOTOOLCHAIN=go1.X.Y from the generated Dockerfile: the toolchain comes from the Go
# module proxy (src/builds/versions/).
ARG BASE_IMAGE=slipway-local/debian:bookworm
FROM ${BASE_IMAGE}
RUN echo 'deb http://deb.debian.org/debian bookworm-backports main' >/etc/apt/sources.list.d/backports.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends -t bookworm-backports golang-1.22-go \
 && apt-get install -y --no-install-recommends ca-certificates git \
 && rm -rf /var/lib/apt/lists/*
ENV GOPATH=/go GOTOOLCHAIN=local PATH=/go/bin:/usr/lib/go-1.22/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /go
CMD ["bash"]
