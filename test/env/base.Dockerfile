# slipway-local/debian:bookworm: the debootstrapped rootfs plus the host's trusted CAs.
ARG ROOTFS_IMAGE=slipway-local/debian-rootfs:bookworm
FROM ${ROOTFS_IMAGE}
COPY local/ /usr/local/share/ca-certificates/
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
# Node reads its own CA list unless told; npm inside builds must trust the same CAs as apt.
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
