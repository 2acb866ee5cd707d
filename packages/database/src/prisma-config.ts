/**
 * Shared `prisma.config.ts` for the services:
 *   import { definePrismaConfig } from '@autoverify/database/prisma-config';
 *   export default definePrismaConfig();
 *
 * The prisma CLI downloads its native schema engine before `generate` even though generate never
 * uses it, and that download fails on our machines. Pointing PRISMA_SCHEMA_ENGINE_BINARY at an
 * existing file skips the download; the file is a stand-in that tells whoever runs `prisma migrate`
 * to use our WASM-engine CLI. Where the native engine can be downloaded, PRISMA_SCHEMA_ENGINE_BINARY=""
 * (set, but empty) keeps prisma's own behaviour, e.g. for `prisma migrate deploy` in a release job.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type PrismaConfig } from 'prisma/config';

export const OFFLINE_SCHEMA_ENGINE = fileURLToPath(new URL('./offline-schema-engine.sh', import.meta.url));

export function definePrismaConfig(overrides: PrismaConfig = {}): ReturnType<typeof defineConfig> {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= OFFLINE_SCHEMA_ENGINE;
  return defineConfig({
    schema: 'prisma/schema.prisma',
    migrations: { path: 'prisma/migrations' },
    // Not env('DATABASE_URL'): that throws when it is unset, and `prisma generate` needs no database.
    datasource: { url: process.env.DATABASE_URL },
    ...overrides,
  });
}
