# syntax=docker/dockerfile:1
# The Yuqing daemon. Build: docker compose build (or docker build -t yuqing .)
# Two stages: the full Node image has the compilers better-sqlite3 may need; the runtime image is slim.

FROM node:20-bookworm AS build
WORKDIR /app
COPY . .
# `npm install` (not `npm ci`), as in .ci/run: the lock file cannot list other platforms' optional
# binaries. It installs the locked versions and runs `prepare`, which compiles src/ to dist/.
RUN npm install --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/rules ./rules
COPY --from=build /app/connectors ./connectors
# Kibana saved objects, for `yuqing dashboards import` from inside the compose network.
COPY --from=build /app/dashboards ./dashboards
COPY --from=build /app/docker/yuqing.yaml ./docker/yuqing.yaml
# State (SQLite: dedupe, counts, alerts, outbox, index spool) lives on a volume, owned by the
# unprivileged user the image provides.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8787
# /healthz answers 200 while the daemon works (also when degraded), 503 when it cannot.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8787/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/yuqing.js"]
CMD ["run", "-c", "docker/yuqing.yaml"]
