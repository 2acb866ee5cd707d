/**
 * The Prisma driver adapter for PostgreSQL used by every service and by the migration engine.
 *
 * It is `@prisma/adapter-pg` with three fixes the WASM schema engine needs (found in a spike, see
 * docs in README.md):
 * 1. catalog queries return the `"char"` type (OID 18), which adapter-pg rejects; it is read as text;
 * 2. `executeScript` splits a migration on `;`, breaking `$$` bodies and string literals, and runs the
 *    pieces one by one (not atomic); here the whole script is one simple query;
 * 3. `connectToShadowDb` on an adapter built from a connection string connects to the MAIN database;
 *    here it creates a real temporary database and drops it after its pool is closed.
 */
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { withDatabase } from './connection-url.ts';
import { createDatabaseNamed, dropDatabaseNamed } from './ensure-database.ts';

const CHAR_OID = 18;
const TEXT_OID = 25;

type FieldsCarrier = { fields?: Array<{ dataTypeID: number }> };

/** Relabels `"char"` columns as text; the values are already strings (pg has no parser for OID 18). */
function charColumnsAsText<T>(result: T): T {
  const results = (Array.isArray(result) ? result : [result]) as FieldsCarrier[];
  for (const r of results) {
    for (const field of r?.fields ?? []) {
      if (field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

/**
 * A pg client whose results never carry OID 18. Doing it in the client (not the adapter) covers
 * pool queries and transactions alike, since adapter-pg's classes are not exported.
 */
class CharAsTextClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg.Client#query has many overloads (promise and callback forms)
  override query(...args: any[]): any {
    const last = args.at(-1);
    if (typeof last === 'function') {
      args[args.length - 1] = (error: unknown, result: unknown) =>
        last(error, error ? result : charColumnsAsText(result));
      return super.query(...(args as Parameters<pg.Client['query']>));
    }
    const returned: unknown = super.query(...(args as Parameters<pg.Client['query']>));
    return returned instanceof Promise ? returned.then(charColumnsAsText) : returned;
  }
}

export interface PrismaAdapterOptions {
  /** PostgreSQL schema for generated queries (default: the connection's search_path, i.e. `public`). */
  schema?: string;
  /** Largest number of pooled connections (default 6, below pg's 10: see DEFAULT_MAX_CONNECTIONS). */
  maxConnections?: number;
  /** Called for errors on idle pooled connections (e.g. the server restarted); pg would otherwise crash. */
  onPoolError?: (error: Error) => void;
}

/**
 * Six services (with replicas) share one PostgreSQL server whose default max_connections is 100; with
 * pg-boss's own pool next to it, pg's default of 10 per process would exhaust the server on a developer
 * machine running two stacks. Six covers a service's concurrent transactions (consumer, relay, jobs).
 */
export const DEFAULT_MAX_CONNECTIONS = 6;

function poolConfig(connectionString: string, options: PrismaAdapterOptions): pg.PoolConfig {
  return {
    connectionString,
    Client: CharAsTextClient,
    max: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
  };
}

function adapterPgOptions(options: PrismaAdapterOptions): ConstructorParameters<typeof PrismaPg>[1] {
  const pgOptions: NonNullable<ConstructorParameters<typeof PrismaPg>[1]> = {};
  if (options.schema !== undefined) pgOptions.schema = options.schema;
  if (options.onPoolError !== undefined) pgOptions.onPoolError = options.onPoolError;
  return pgOptions;
}

/**
 * Runs a migration script as ONE query. Without bind parameters or a statement name pg uses the
 * simple query protocol, under which PostgreSQL runs all statements of the string in one implicit
 * transaction: a failing migration leaves nothing behind. (A script that needs to run outside a
 * transaction, e.g. CREATE INDEX CONCURRENTLY, therefore cannot be a migration here.)
 */
function withWholeScripts(adapter: SqlDriverAdapter): SqlDriverAdapter {
  adapter.executeScript = async (script: string) => {
    await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
  };
  return adapter;
}

/** Makes `dispose` safe to call more than once (pg's Pool#end throws the second time). */
function disposeOnce(adapter: SqlDriverAdapter, after?: () => Promise<void>): SqlDriverAdapter {
  const dispose = adapter.dispose.bind(adapter);
  let disposing: Promise<void> | undefined;
  adapter.dispose = () => {
    disposing ??= (async () => {
      try {
        await dispose();
      } finally {
        await after?.();
      }
    })();
    return disposing;
  };
  return adapter;
}

/** Driver adapter factory for `new PrismaClient({ adapter })` and for the WASM schema engine. */
export class PgAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName: string;
  readonly #connectionString: string;
  readonly #options: PrismaAdapterOptions;
  readonly #inner: PrismaPg;
  readonly #open = new Set<SqlDriverAdapter>();
  readonly #shadowDatabases: string[] = [];

  constructor(connectionString: string, options: PrismaAdapterOptions = {}) {
    this.#connectionString = connectionString;
    this.#options = options;
    this.#inner = new PrismaPg(poolConfig(connectionString, options), adapterPgOptions(options));
    this.adapterName = this.#inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return this.#track(withWholeScripts(await this.#inner.connect()));
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    // Random suffix: concurrent migrations (tests, two developers on one server) never collide.
    const name = `prisma_migrate_shadow_db_${randomUUID().replaceAll('-', '')}`;
    await createDatabaseNamed(this.#connectionString, name);
    this.#shadowDatabases.push(name);
    try {
      const shadowUrl = withDatabase(this.#connectionString, name);
      const factory = new PrismaPg(
        poolConfig(shadowUrl, { maxConnections: 2 }),
        adapterPgOptions(this.#options),
      );
      const adapter = withWholeScripts(await factory.connect());
      // Drop only after the pool is closed; FORCE ends any connection a failed step left behind.
      return this.#track(adapter, () => dropDatabaseNamed(this.#connectionString, name));
    } catch (error) {
      await dropDatabaseNamed(this.#connectionString, name);
      throw error;
    }
  }

  /** Names of the shadow databases this factory created (each is dropped when its adapter is disposed). */
  get shadowDatabases(): readonly string[] {
    return this.#shadowDatabases;
  }

  /** Disposes every adapter this factory handed out that is still open (closes pools, drops shadows). */
  async close(): Promise<void> {
    const errors: unknown[] = [];
    for (const adapter of [...this.#open]) {
      await adapter.dispose().catch((error: unknown) => errors.push(error));
    }
    if (errors.length > 0) throw new AggregateError(errors, 'closing database connections failed');
  }

  #track(adapter: SqlDriverAdapter, after?: () => Promise<void>): SqlDriverAdapter {
    this.#open.add(adapter);
    return disposeOnce(adapter, async () => {
      this.#open.delete(adapter);
      await after?.();
    });
  }
}

/**
 * Service usage: `new PrismaClient({ adapter: createPrismaAdapter(env.DATABASE_URL) })`;
 * `prisma.$disconnect()` closes the pool.
 */
export function createPrismaAdapter(
  connectionString: string,
  options: PrismaAdapterOptions = {},
): PgAdapterFactory {
  return new PgAdapterFactory(connectionString, options);
}
