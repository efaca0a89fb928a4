# Slipway's own image: API, build worker and deploy worker (choose with the command).
# NODE_IMAGE is the public Node image by default; machines that cannot pull build it from
# the local stand-in (slipway-local/node:20-bookworm-slim, see test/env/images.sh).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY workers workers
COPY web web
# The dashboard: web/ → web/dist, served at /ui/ (Vite needs Node >= 20.19).
RUN npm run build:web
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev --no-audit --no-fund --ignore-scripts

FROM ${NODE_IMAGE}
# git: the build worker clones with it.
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY package.json ./
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/dist dist
COPY --from=build /src/web/dist web/dist
COPY builders builders
COPY templates templates
COPY bin bin
USER 1001
EXPOSE 8080
CMD ["node", "dist/src/main.js"]
