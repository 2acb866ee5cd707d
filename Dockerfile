# One image per service: docker build --build-arg SERVICE=ingest -t autoverify/ingest .
# The support console: --build-arg SERVICE=support --build-arg SERVICE_DIR=tools/support
# Node 24 runs the TypeScript sources directly (type stripping), so there is no compile step; turbo prune
# keeps only the service and the workspace packages it depends on, laid out as in the repo (workspace
# packages must stay outside node_modules for Node to strip their types).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS base
RUN npm install -g pnpm@12.21.0 turbo@2.11.11

FROM base AS pruned
ARG SERVICE
WORKDIR /src
COPY . .
RUN turbo prune "@autoverify/${SERVICE}" --docker

FROM base AS installed
ARG SERVICE
ARG SERVICE_DIR=services/${SERVICE}
WORKDIR /app
COPY --from=pruned /src/out/json/ .
RUN pnpm install --frozen-lockfile
COPY --from=pruned /src/out/full/ .
RUN cd "${SERVICE_DIR}" && pnpm exec prisma generate && cd /app && pnpm prune --prod

FROM ${NODE_IMAGE}
ARG SERVICE
ARG SERVICE_DIR=services/${SERVICE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=installed --chown=node:node /app .
WORKDIR /app/${SERVICE_DIR}
USER node
CMD ["node", "--import", "@autoverify/telemetry/register", "src/main.ts"]
