/**
 * Migrations on the WASM schema engine: the same migration files, `_prisma_migrations` rows and
 * checksums as `prisma migrate deploy|status|dev --create-only|diff`, without the native engine.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { MigrationList, SchemaFilter } from '@prisma/schema-engine-wasm';
import { parseDatabaseUrl, withDatabase } from './connection-url.ts';
import {
  listMigrations,
  migrationTimestamp,
  normalizeMigrationName,
  withLockfile,
  writeMigration,
} from './migrations-dir.ts';
import { MigrationError, withSchemaEngine } from './schema-engine.ts';

export { MigrationError };

export interface MigrationTarget {
  databaseUrl: string;
  /** Absolute path of the service's `prisma/schema.prisma`. */
  schemaPath: string;
  /** Absolute path of the service's `prisma/migrations`. */
  migrationsDir: string;
  /** Receives the engine's log lines; silent by default. */
  log?: (line: string) => void;
}

const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

/** Where the engine connects when a command only needs a shadow database (no service database required). */
const MAINTENANCE_DATABASE = 'postgres';

function requireAbsolute(label: string, path: string): void {
  if (!isAbsolute(path)) throw new Error(`${label} must be an absolute path, got ${path}`);
}

async function load(target: MigrationTarget): Promise<{ schema: string; migrations: MigrationList }> {
  parseDatabaseUrl(target.databaseUrl, 'databaseUrl');
  requireAbsolute('schemaPath', target.schemaPath);
  requireAbsolute('migrationsDir', target.migrationsDir);
  let schema: string;
  try {
    schema = await readFile(target.schemaPath, 'utf8');
  } catch (error) {
    throw new MigrationError(`cannot read the Prisma schema at ${target.schemaPath}`, undefined, {
      cause: error,
    });
  }
  return { schema, migrations: await listMigrations(target.migrationsDir) };
}

function engineOptions(target: MigrationTarget, schema: string, databaseUrl = target.databaseUrl) {
  const options = { databaseUrl, schemaPath: target.schemaPath, schema };
  return target.log ? { ...options, log: target.log } : options;
}

/**
 * Applies the migrations not yet applied, each in one transaction, in folder order. Idempotent.
 * A migration that fails is recorded as failed and blocks every later deploy (P3009) until it is
 * resolved, exactly as with `prisma migrate deploy`.
 */
export async function deployMigrations(target: MigrationTarget): Promise<{ applied: string[] }> {
  const { schema, migrations } = await load(target);
  return withSchemaEngine(engineOptions(target, schema), async ({ engine }) => {
    const result = await engine.applyMigrations({ migrationsList: migrations, filters: NO_FILTERS });
    return { applied: result.appliedMigrationNames };
  });
}

export interface MigrationStatus {
  /** In the folder, not applied to the database. */
  pending: string[];
  /** Started and failed in the database; they block deploys until resolved. */
  failed: string[];
  /** Applied, but the file changed since (checksum differs). */
  edited: string[];
  /** Applied to the database but missing from the folder. */
  missingLocally: string[];
  hasMigrationsTable: boolean;
  /** Nothing pending, failed, edited or missing. */
  upToDate: boolean;
}

/** Compares the folder with `_prisma_migrations`; reads only, never touches the schema. */
export async function migrationStatus(target: MigrationTarget): Promise<MigrationStatus> {
  const { schema, migrations } = await load(target);
  return withSchemaEngine(engineOptions(target, schema), async ({ engine }) => {
    const diagnosis = await engine.diagnoseMigrationHistory({
      migrationsList: migrations,
      optInToShadowDatabase: false,
      filters: NO_FILTERS,
    });
    const history = diagnosis.history;
    const pending = history && 'unappliedMigrationNames' in history ? history.unappliedMigrationNames : [];
    const missingLocally =
      history && 'unpersistedMigrationNames' in history ? history.unpersistedMigrationNames : [];
    const status = {
      pending,
      failed: diagnosis.failedMigrationNames,
      edited: diagnosis.editedMigrationNames,
      missingLocally,
      hasMigrationsTable: diagnosis.hasMigrationsTable,
    };
    const upToDate = [status.pending, status.failed, status.edited, status.missingLocally].every(
      (l) => l.length === 0,
    );
    return { ...status, upToDate };
  });
}

/**
 * The SQL that would take a database built from the migrations folder to schema.prisma, or null when
 * they agree. Replays the folder on a temporary shadow database; the service's database is not
 * needed (the engine connects to the server's `postgres` database).
 */
export async function pendingSchemaChanges(target: MigrationTarget): Promise<string | null> {
  const { schema, migrations } = await load(target);
  const serverUrl = withDatabase(target.databaseUrl, MAINTENANCE_DATABASE);
  return withSchemaEngine(engineOptions(target, schema, serverUrl), async ({ engine }) => {
    const result = await engine.diff({
      from: { tag: 'migrations', ...withLockfile(migrations) },
      to: { tag: 'schemaDatamodel', files: [{ path: target.schemaPath, content: schema }] },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    });
    // With exitCode set, the engine answers 2 for a non-empty diff and 0 for none.
    return result.exitCode === 2 ? (result.stdout ?? '') : null;
  });
}

export interface CreateMigrationOptions extends MigrationTarget {
  name: string;
  /** Write an empty migration to fill in by hand (functions, data fixes) even when nothing changed. */
  empty?: boolean;
  /** Clock for the folder's timestamp prefix. */
  now?: Date;
}

export interface CreatedMigration {
  /** `<YYYYMMDDHHMMSS>_<name>`, or null when schema.prisma and the migrations already agree. */
  name: string | null;
  file: string | null;
  sql: string | null;
}

const EMPTY_MIGRATION = '-- This is an empty migration.\n';

/** Writes `<migrationsDir>/<timestamp>_<name>/migration.sql` for the changes in schema.prisma (not applied). */
export async function createMigration(options: CreateMigrationOptions): Promise<CreatedMigration> {
  const name = normalizeMigrationName(options.name);
  const changes = await pendingSchemaChanges(options);
  if (changes === null && !options.empty) return { name: null, file: null, sql: null };
  const sql = changes === null ? EMPTY_MIGRATION : changes;
  const folder = `${migrationTimestamp(options.now ?? new Date())}_${name}`;
  const file = await writeMigration(options.migrationsDir, folder, sql);
  return { name: folder, file, sql };
}

export interface ResolveOptions extends MigrationTarget {
  /** The folder name of a migration recorded as failed. */
  migration: string;
  /**
   * `rolled-back`: the failed attempt is set aside and the next deploy runs the (fixed) migration
   * again; right for our migrations, which fail atomically. `applied`: it was completed by hand.
   */
  as: 'rolled-back' | 'applied';
}

/** `prisma migrate resolve --rolled-back|--applied <migration>`: unblocks deploys after a failed migration. */
export async function resolveMigration(options: ResolveOptions): Promise<void> {
  const { schema, migrations } = await load(options);
  await withSchemaEngine(engineOptions(options, schema), async ({ engine }) => {
    if (options.as === 'rolled-back') {
      await engine.markMigrationRolledBack({ migrationName: options.migration });
    } else {
      await engine.markMigrationApplied({ migrationName: options.migration, migrationsList: migrations });
    }
  });
}

export class DriftError extends Error {
  override name = 'DriftError';
  readonly sql: string;
  constructor(sql: string) {
    super(
      'schema.prisma and prisma/migrations disagree: a new migration would contain the SQL below. ' +
        'Run `node ../../packages/database/src/cli.ts create <name>` in the service directory and commit the result.\n\n' +
        sql,
    );
    this.sql = sql;
  }
}

/** Throws DriftError when creating a migration now would produce SQL (CI: "drift fails the build"). */
export async function checkDrift(target: MigrationTarget): Promise<void> {
  const changes = await pendingSchemaChanges(target);
  if (changes !== null) throw new DriftError(changes);
}
