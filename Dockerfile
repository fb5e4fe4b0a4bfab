# The product's image: the worker (default command), the HTTP API (node lib/api/main.js) and the Flinks
# simulator (node lib/simulator/main.js), compiled to JavaScript. Used by docker-compose.yml.
# Node: the version the tests run on (.nvmrc; the engines floor too, test/tooling/node-version.test.ts checks).
FROM node:24.22.3-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:24.22.3-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/lib ./lib
# The directory sink's volume: owned by the unprivileged user the processes run as.
RUN mkdir -p /data/sink && chown -R node:node /data
USER node
CMD ["node", "lib/worker.js"]
