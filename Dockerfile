# syntax=docker/dockerfile:1
# One image for every service; docker-compose.yml picks the service with `command`, e.g.
#   node dist/services/order-api/main.js
# Services in a container need DATABASE_URL (the embedded PostgreSQL is for local runs).

# --- build: every dependency, compile TypeScript to dist/ -------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# --- runtime: production dependencies and the build output only (no embedded PostgreSQL: it is a
# development dependency, so every service here needs DATABASE_URL) ---------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY .env.example ./
# DATA_DIR (.data) and public-keys belong to the node user, so the named volumes compose mounts
# there (auth-keys at .data/auth, auth-public at public-keys) are writable by it on first use.
RUN mkdir -p /app/.data/auth /app/public-keys && chown -R node:node /app/.data /app/public-keys
# The node image's unprivileged user: nothing here needs root.
USER node
EXPOSE 3000 3001 3002 3003 3004 3005
# Without a command, the whole system under the launcher (still needs DATABASE_URL in a container).
CMD ["node", "--enable-source-maps", "dist/services/launcher/main.js"]
