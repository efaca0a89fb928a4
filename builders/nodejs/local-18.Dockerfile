# Stand-in for node:18-bookworm-slim on machines that cannot pull public images: Debian
# bookworm's Node.js 18 (the nodejs package) and npm 10.8.2, the npm node:18 images ship
# (this machine's npm 11 refuses Node 18), fetched from the npm registry and checked against
# its published sha512. Both at the paths the public image uses (/usr/local/bin).
ARG BASE_IMAGE=slipway-local/debian:bookworm
FROM ${BASE_IMAGE}
ARG NPM_VERSION=10.8.2
ARG NPM_SHA512=x/AIjFIKRllrhcb48dqUNAAZl0ig9+qMuN91RpZo3Cb2+zuibfh+KISl6+kVVyktDz230JKc208UkQwwMqyB+w==
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s /usr/bin/node /usr/local/bin/node \
 && mkdir -p /usr/local/lib/node_modules/npm \
 && node -e ' \
      const [version, sha512] = process.argv.slice(1); \
      fetch(`https://registry.npmjs.org/npm/-/npm-${version}.tgz`).then(async (res) => { \
        if (!res.ok) throw new Error(`npm ${version}: HTTP ${res.status}`); \
        const tgz = Buffer.from(await res.arrayBuffer()); \
        const digest = require("crypto").createHash("sha512").update(tgz).digest("base64"); \
        if (digest !== sha512) throw new Error(`npm ${version}: sha512 ${digest}, expected ${sha512}`); \
        require("fs").writeFileSync("/tmp/npm.tgz", tgz); \
      });' "$NPM_VERSION" "$NPM_SHA512" \
 && tar -xzf /tmp/npm.tgz -C /usr/local/lib/node_modules/npm --strip-components=1 \
 && rm /tmp/npm.tgz \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
CMD ["node"]
