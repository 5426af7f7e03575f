# syntax=docker/dockerfile:1
# Production image: Node 24 LTS, production dependencies only, non-root, health-checked.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency needs an install script, and none gets to run one.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:24-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    INGEST_FILE_DIR=/var/lib/gdas/events
# The V8 heap cap, sized for the default DEDUP_MAX_ENTRIES (500,000 keys of ~80 B: ~40 MB) plus
# the app and its queues. Without it V8 lets garbage grow the heap to 500+ MB under ingestion
# load (bench/ memory scenario). Raise it with DEDUP_MAX_ENTRIES: the service warns at start when
# the cap looks too small. The young generation is held to Node 20's size: Node 24 lets each
# semi-space grow to 64 MB, which took RSS after 1,000,000 events from 290 to 367 MB for the
# same ingestion rate (docs/decisions.md, "Memory").
ENV NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=16"
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist/src ./dist/src
# The built-in backends declarations, read when BACKENDS_FILE is unset (docs/backends.md).
COPY backends ./backends
COPY package.json ./
# The NDJSON sink writes here; mount a volume so acknowledged events outlive the container.
RUN mkdir -p /var/lib/gdas/events && chown -R node:node /var/lib/gdas
VOLUME ["/var/lib/gdas/events"]
USER node
EXPOSE 8080
# Node itself is PID 1 (no npm wrapper), so SIGTERM reaches close-with-grace, which drains:
# new requests get 503, pending event batches are written and answered, then the process exits.
STOPSIGNAL SIGTERM
# With TLS_CERT_FILE set the service speaks HTTPS only (docs/operations.md, "HTTPS"). The check asks whether the
# process answers, so it accepts any certificate: the one for the public name never matches
# 127.0.0.1, and an expiring one is the alert of tls_certificate_expiry_timestamp_seconds, not a restart.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "require(process.env.TLS_CERT_FILE?'node:https':'node:http').get({host:'127.0.0.1',port:process.env.PORT||8080,path:'/healthz',rejectUnauthorized:false},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
CMD ["node", "dist/src/server.js"]
