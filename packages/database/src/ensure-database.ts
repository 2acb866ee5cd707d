/** Creating and dropping whole databases, through the `postgres` maintenance database of the same server. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { databaseNameOf, parseDatabaseUrl, quoteIdentifier, withDatabase } from './connection-url.ts';

const MAINTENANCE_DATABASE = 'postgres';

/** SQLSTATEs: the database does not exist / already exists / lost a race on pg_database's unique index. */
const INVALID_CATALOG_NAME = '3D000';
const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

async function withClient<T>(connectionString: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function withMaintenanceClient<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  return withClient(withDatabase(serverUrl, MAINTENANCE_DATABASE), fn);
}

/** Creates database `name` on the server of `serverUrl`; fails if it exists. */
export async function createDatabaseNamed(serverUrl: string, name: string): Promise<void> {
  await withMaintenanceClient(serverUrl, (client) =>
    client.query(`CREATE DATABASE ${quoteIdentifier(name)}`),
  );
}

/** Drops database `name` on the server of `serverUrl` if it exists, ending its open connections. */
export async function dropDatabaseNamed(serverUrl: string, name: string): Promise<void> {
  await withMaintenanceClient(serverUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`),
  );
}

/**
 * Creates the database named in `databaseUrl` if it is missing. Safe when several processes start
 * at once (e.g. all services in dev): losing the race to create it counts as success.
 * An existing database is detected by connecting to it, so this needs no access to `postgres`
 * where the database already exists (as in production).
 */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = parseDatabaseUrl(databaseUrl);
  try {
    await withClient(url.toString(), (client) => client.query('SELECT 1'));
    return;
  } catch (error) {
    if (sqlState(error) !== INVALID_CATALOG_NAME) throw error;
  }
  try {
    await createDatabaseNamed(url.toString(), databaseNameOf(url));
  } catch (error) {
    const state = sqlState(error);
    if (state !== DUPLICATE_DATABASE && state !== UNIQUE_VIOLATION) throw error;
  }
}

/** Drops the database named in `databaseUrl` (if it exists), ending its open connections. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = parseDatabaseUrl(databaseUrl);
  await dropDatabaseNamed(url.toString(), databaseNameOf(url));
}

export interface TemporaryDatabase {
  /** Connection string of the new database (same server, user and options as the server URL). */
  url: string;
  name: string;
  /** Drops the database, ending connections still open to it. Safe to call twice. */
  drop(): Promise<void>;
}

const PREFIX_MAX = 40;

/**
 * Creates a database with a unique name (`<prefix>_<time>_<random>`) on the server of `serverUrl`;
 * for tests and tools that must never share a database with a concurrent run.
 */
export async function createUniqueDatabase(serverUrl: string, prefix: string): Promise<TemporaryDatabase> {
  parseDatabaseUrl(serverUrl, 'serverUrl');
  const safePrefix =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, PREFIX_MAX) || 'db';
  const name = `${safePrefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await createDatabaseNamed(serverUrl, name);
  let dropped: Promise<void> | undefined;
  return {
    url: withDatabase(serverUrl, name),
    name,
    drop: () => {
      dropped ??= dropDatabaseNamed(serverUrl, name);
      return dropped;
    },
  };
}
