# Stand-in for debian:bookworm-slim: the local Debian base as it is (minbase, with /bin/sh).
ARG BASE_IMAGE=slipway-local/debian:bookworm
FROM ${BASE_IMAGE}
CMD ["bash"]
