/** Real PostgreSQL databases for integration tests: one uniquely named database per test file or suite. */
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createUniqueDatabase, deployMigrations } from '@autoverify/database';
import pg from 'pg';

export const DEFAULT_DATABASE_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  name: string;
  /**
   * Drops the database once nobody is connected to it any more (or after 5 s, ending what is left); call it
   * in afterAll. Safe to call twice.
   */
  drop(): Promise<void>;
}

/** The server tests create databases on: env DATABASE_ADMIN_URL, or the local trust-auth server. */
export function databaseAdminUrl(env: Record<string, string | undefined> = process.env): string {
  const url = env.DATABASE_ADMIN_URL;
  return url === undefined || url === '' ? DEFAULT_DATABASE_ADMIN_URL : url;
}

/** Creates an empty database `<prefix>_<time>_<random>` so concurrent test runs never share one. */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const created = await createUniqueDatabase(databaseAdminUrl(), `test_${prefix}`);
  return { url: created.url, name: created.name, drop: () => dropWhenIdle(created) };
}

/**
 * A fresh database with a service's migrations applied (`serviceDir` holds prisma/schema.prisma and
 * prisma/migrations), e.g. `await migrateTestDatabase(new URL('..', import.meta.url).pathname)`.
 * The database is dropped again if the migrations fail.
 */
export async function migrateTestDatabase(serviceDir: string): Promise<TestDatabase> {
  const dir = resolve(serviceDir);
  const prefix = dir.split('/').filter(Boolean).at(-1) ?? 'service';
  const database = await createTestDatabase(prefix);
  try {
    await deployMigrations({
      databaseUrl: database.url,
      schemaPath: join(dir, 'prisma', 'schema.prisma'),
      migrationsDir: join(dir, 'prisma', 'migrations'),
    });
  } catch (error) {
    await database.drop();
    throw error;
  }
  return database;
}

/**
 * A pool's end() (pg, Prisma's adapter, pg-boss) resolves before its sockets are closed; dropping with FORCE
 * at that moment terminates those sessions and their clients emit unhandled errors (57P01), which fail the
 * test file they happen in. Waiting for the server to see them gone avoids that without reaching into pools
 * the test does not own.
 */
async function dropWhenIdle(database: { name: string; drop(): Promise<void> }): Promise<void> {
  const deadline = Date.now() + 5_000;
  const admin = new pg.Client({ connectionString: databaseAdminUrl() });
  await admin.connect();
  try {
    for (;;) {
      const { rows } = await admin.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database.name],
      );
      if ((rows[0]?.n ?? 0) === 0 || Date.now() >= deadline) break;
      await sleep(50);
    }
  } finally {
    await admin.end();
  }
  await database.drop();
}

/**
 * Where any of `values` (an applicant's email, phone, name, link…) is still stored: every table of the
 * database, every column, compared case-insensitively as text (a row's whole text form), so a column
 * added later is covered without changing the test. Returns `table: rows` for each table that still has one.
 */
export async function findStoredValues(databaseUrl: string, values: string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(
      "SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    const patterns = values.map((v) => `%${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const found: string[] = [];
    for (const { name } of tables) {
      // Test code: table names come from the catalogue, quoted by PostgreSQL itself.
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${name} t WHERE t::text ILIKE ANY($1::text[])`,
        [patterns],
      );
      if ((rows[0]?.n ?? 0) > 0) found.push(`${name}: ${rows[0]?.n}`);
    }
    return found;
  } finally {
    await client.end();
  }
}
