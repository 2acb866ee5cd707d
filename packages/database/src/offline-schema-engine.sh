#!/bin/sh
# Stand-in for Prisma's native schema-engine binary, which cannot be downloaded on our machines.
# prisma.config.ts (via @autoverify/database/prisma-config) points PRISMA_SCHEMA_ENGINE_BINARY here so
# that `prisma generate` works offline; a command that really needs the engine ends up here.
# The prisma CLI skips the first stderr line and reads the others as the engine's JSON log lines,
# showing their messages; so line 1 is plain text, the rest is the same text as JSON.
echo "The native Prisma schema engine is not installed here (it cannot be downloaded offline)." >&2
for line in \
  "The native Prisma schema engine is not installed here (it cannot be downloaded offline)." \
  "Use our WASM engine instead, in the service directory:" \
  "  pnpm migrate                                          apply migrations (deploy)" \
  "  node ../../packages/database/src/cli.ts status        pending / failed / edited migrations" \
  "  node ../../packages/database/src/cli.ts create <name> new migration from schema.prisma changes" \
  "  node ../../packages/database/src/cli.ts check         fail if schema.prisma and migrations disagree" \
  "With internet access, PRISMA_SCHEMA_ENGINE_BINARY= (empty) restores the native engine for prisma migrate."
do
  printf '{"level":"ERROR","target":"schema_engine::offline_stand_in","fields":{"message":"%s"}}\n' "$line" >&2
done
exit 1
