# Stand-in for python:3.11-slim-bookworm on machines that cannot pull public images: Debian
# bookworm's python3, which is Python 3.11, with venv, on the local Debian base.
# `python3 -m venv /opt/venv` works as in the public image, and pip trusts the host CAs
# (a TLS-intercepting proxy may sit before PyPI).
ARG BASE_IMAGE=slipway-local/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv python-is-python3 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt PIP_DISABLE_PIP_VERSION_CHECK=1
CMD ["python3"]
