#!/bin/sh
# Stand-in for Prisma's native schema-engine binary, which cannot be downloaded on our machines.
# prisma.config.ts (via @autoverify/database/prisma-config) points PRISMA_SCHEMA_ENGINE_BINARY here so
# that `prisma generate` works offline; any command that really needs the engine ends up here.
cat >&2 <<'MESSAGE'
The native Prisma schema engine is not installed here (it cannot be downloaded offline).
Use the WASM engine instead, from the service directory:
  pnpm migrate                                          apply migrations (deploy)
  node ../../packages/database/src/cli.ts status        pending / failed / edited migrations
  node ../../packages/database/src/cli.ts create <name> new migration from schema.prisma changes
  node ../../packages/database/src/cli.ts check         fail if schema.prisma and migrations disagree
With internet access, PRISMA_SCHEMA_ENGINE_BINARY="" restores the native engine for `prisma migrate`.
MESSAGE
exit 1
