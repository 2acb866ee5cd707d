# One image per application, from the repository root:
#   docker build --build-arg APP_DIR=services/ingest -t autoverify/ingest .      (invite, reminder, notify, report-sync)
#   docker build --build-arg APP_DIR=tools/support -t autoverify/support .       (the support console)
#   docker build --build-arg APP_DIR=sandbox -t autoverify/sandbox .             (local/compose only, never deployed)
# Services run JavaScript compiled from their TypeScript (dist/; the `autoverify-compiled` export condition
# picks the workspace packages' dist/ too); one-off commands (migrations, create-topics) run src/*.ts with
# Node's type stripping. The build steps live in infra/image/build-app.ts, which
# infra/image/test/build-context.integration.test.ts runs the same way (and checks against the RUN lines
# below), starting the service from the result.
#
# Base image: an exact Node version on Debian bookworm slim. Pin the digest too where the build machine
# can resolve it (`docker buildx imagetools inspect node:24.21.0-bookworm-slim`); the project's own
# machines have no registry access to look it up, so no digest is committed here.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS base
# The versions of package.json's packageManager and the turbo catalog entry (a test keeps them equal).
RUN npm install -g pnpm@12.21.0 turbo@2.11.11

FROM base AS pruned
ARG APP_DIR
WORKDIR /src
COPY . .
RUN node infra/image/build-app.ts prune "${APP_DIR}" /out

FROM base AS installed
ARG APP_DIR
WORKDIR /app
COPY --from=pruned /src/infra/image/build-app.ts /build/build-app.ts
COPY --from=pruned /out/json/ .
RUN node /build/build-app.ts install
COPY --from=pruned /out/full/ .
RUN node /build/build-app.ts finish "${APP_DIR}"

FROM ${NODE_IMAGE} AS runtime
ARG APP_DIR
ENV NODE_ENV=production
# Memory per process (tools/stack/src/runtime-env.ts says why; its test keeps the local stack's the same).
ENV NODE_OPTIONS="--max-semi-space-size=8" MALLOC_ARENA_MAX=2
# Nothing is written outside /tmp (mount an emptyDir there): the root filesystem can be read-only.
COPY --from=installed --chown=root:root /app /app
WORKDIR /app/${APP_DIR}
# The image's unprivileged user (uid 1000); it cannot change the application files it runs.
USER node
CMD ["node", "--conditions=autoverify-compiled", "--import", "@autoverify/telemetry/register", "dist/main.js"]
