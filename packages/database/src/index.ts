export { createPrismaAdapter, PgAdapterFactory, type PrismaAdapterOptions } from './adapter.ts';
export { DatabaseUrlError, parseDatabaseUrl, withDatabase } from './connection-url.ts';
export {
  createUniqueDatabase,
  dropDatabase,
  ensureDatabase,
  type TemporaryDatabase,
} from './ensure-database.ts';
export {
  type CreatedMigration,
  type CreateMigrationOptions,
  checkDrift,
  createMigration,
  DriftError,
  deployMigrations,
  MigrationError,
  type MigrationStatus,
  type MigrationTarget,
  migrationStatus,
  pendingSchemaChanges,
  type ResolveOptions,
  resolveMigration,
} from './migrate.ts';
export { InvalidMigrationNameError } from './migrations-dir.ts';
