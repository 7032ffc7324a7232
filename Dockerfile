# Catalyst images (spec §3.1, §12.1). Two targets:
#   backend  — the API, relay and workers (`catalyst serve`, or `catalyst worker` with another command)
#   frontend — the built web UI behind nginx, proxying /api and /ws to the backend
# Build: docker build --target backend -t catalyst-backend . ; docker build --target frontend -t catalyst-frontend .
FROM node:20-bookworm-slim AS deps
WORKDIR /app
# git for the repositories the agents write; tini reaps preview processes the deployer starts.
RUN apt-get update && apt-get install -y --no-install-recommends git tini ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Production packages only: they include what builds the UI and what generated apps resolve at run time
# (scripts/check-production-install.mjs proves a build works from such an install).
RUN npm ci --omit=dev --no-audit --no-fund

FROM deps AS web
COPY web ./web
COPY src ./src
RUN npm run build:web

FROM deps AS backend
COPY bin ./bin
COPY src ./src
COPY drizzle ./drizzle
COPY config/catalyst.example.yaml ./config/catalyst.yaml
COPY --from=web /app/web/dist ./web/dist
RUN git config --system user.name "Catalyst AI" && git config --system user.email "ai@catalyst.dev" \
    && useradd --create-home --uid 10001 catalyst && mkdir -p /data && chown catalyst /data
USER catalyst
# The config file reads every setting from the environment (${VAR:-default}); state lives in /data.
ENV NODE_ENV=production CATALYST_HOME=/data CATALYST_CONFIG=/app/config/catalyst.yaml
EXPOSE 3000
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/catalyst.js"]
CMD ["serve", "--host", "0.0.0.0"]
HEALTHCHECK --interval=10s --timeout=3s --retries=6 CMD curl -fsS http://127.0.0.1:3000/api/health || exit 1

FROM nginx:1.27-alpine AS frontend
COPY --from=web /app/web/dist /usr/share/nginx/html
EXPOSE 80
