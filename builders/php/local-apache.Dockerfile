# Stand-in for php:8.2-apache: Debian's Apache with mod_php 8.2, the same Debian layout
# (/etc/apache2, a2enconf, /var/www/html) the public image is built on.
ARG BASE_IMAGE=slipway-local/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends apache2 libapache2-mod-php8.2 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && rm -f /var/www/html/index.html
WORKDIR /var/www/html
EXPOSE 80
CMD ["apache2ctl", "-DFOREGROUND"]
