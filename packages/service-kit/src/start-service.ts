import type { Tenants } from '@autoverify/config';
import type { Logger } from '@autoverify/logger';
import { type Handler, Outbox, type PrismaTx, type Transactions } from '@autoverify/messaging';
import { type ServiceMetrics, startMetrics } from '@autoverify/telemetry';
import pg from 'pg';
import { type Clock, systemClock } from './clock.ts';
import { type Database, databaseOf, sqlTransactionsOn } from './database.ts';
import { type EventServiceInfrastructure, startEventService } from './event-service.ts';
import type { HttpServer } from './http.ts';
import { type Jobs, jobsOn, startWorkers } from './job.ts';
import type { StopHook } from './lifecycle.ts';
import { erasureHandler, retentionWorker } from './privacy.ts';
import { partsOfRole, type ServiceRole } from './role.ts';
import type {
  DatabasePool,
  ServiceClient,
  ServiceContext,
  ServiceDefinition,
  ServiceEnv,
  TxOf,
} from './service.ts';

/** What main.ts (runService) or a test (startServiceUnderTest) hands a definition to start it. */
export interface ServiceRuntime<Env, Options> {
  /** Already validated against the definition's env schema. */
  env: Env;
  tenants?: Tenants;
  logger: Logger;
  /** Receives each part's stop as it starts; the caller runs them in reverse order. */
  onStop(name: string, stop: StopHook): void;
  /** Default systemClock. */
  clock?: Clock;
  /** Merged over the definition's options. */
  options?: Partial<Options>;
  /** Listen on env.HOST:PORT (default true); tests may pass false and use app.inject. */
  listen?: boolean;
  /** How often idle job workers poll (default 10 s behind NOTIFY, which wakes them for new jobs). Tests pass a short one. */
  jobPollingSeconds?: number;
  /** Default: the service's own (telemetry's startMetrics), served on /metrics. */
  metrics?: ServiceMetrics;
}

export interface RunningService<Tx> {
  app: HttpServer;
  db: Database<Tx>;
  jobs: Jobs<Tx>;
  clock: Clock;
  /** Where the HTTP server listens, when it does. */
  url?: string;
}

/** Connections of `db.sql` at most (the bench's reference server has 10 for the same INSERT). */
const STATEMENT_POOL_MAX = 10;
const TRANSACTION_IDLE_LIMIT_MS = 30_000;
/**
 * Prisma's connections in a web process: its routes' transactions (ingest's platform webhooks) and the
 * readiness check. The worker keeps the adapter's default; together they stay near what one process held
 * (a stock PostgreSQL allows 100 connections, and the e2e suite runs two stacks side by side).
 */
const WEB_PRISMA_POOL_MAX = 2;

/**
 * Starts a defined service: database -> Kafka -> outbox relay -> job queue -> the service's parts (build and
 * its background loops, job workers, routes) -> HTTP listening -> the consumer. Each stops in the reverse
 * order; the clients a service registers with ctx.onStop stop last, after everything that could still use them.
 */
export async function startService<
  Env extends ServiceEnv,
  Client extends ServiceClient,
  Options extends object,
>(
  definition: ServiceDefinition<Env, Client, Options>,
  runtime: ServiceRuntime<Env, Options>,
): Promise<RunningService<TxOf<Client>>> {
  type Tx = TxOf<Client>;
  const { env, logger } = runtime;
  const clock = runtime.clock ?? systemClock;
  const clientStops: { name: string; stop: StopHook }[] = [];
  runtime.onStop('service clients', async () => {
    for (const { name, stop } of clientStops.reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.error({ err: error, hook: name }, `stopping ${name} failed`);
      }
    }
  });

  const metrics = runtime.metrics ?? (await startMetrics(definition.name));
  runtime.onStop('metrics', () => metrics.shutdown());
  const client = definition.database(env.DATABASE_URL, databasePool(env.SERVICE_ROLE));
  const statements = statementPool(env.DATABASE_URL, logger);
  runtime.onStop('statement pool', () => statements.end());
  // Stateless views of the infrastructure: the same for the service's ctx and for the caller (tests).
  const views = (
    infrastructure: EventServiceInfrastructure<Tx & PrismaTx>,
    sqlTransactions = sqlTransactionsOn(statements, infrastructure.withRelayWake),
  ) => ({
    db: databaseOf<Tx>(client as unknown as Tx, infrastructure.transactions, sqlTransactions, statements),
    jobs: jobsOn<Tx & PrismaTx>(infrastructure.jobs) as Jobs<Tx>,
  });
  const service = await startEventService<Tx & PrismaTx>({
    service: definition.name,
    env,
    prisma: client as never,
    statements,
    logger,
    metrics,
    onStop: runtime.onStop,
    ...(runtime.listen === false ? { listen: false } : {}),
    ...(definition.bodyLimit ? { bodyLimit: definition.bodyLimit } : {}),
    ...(definition.consumer ? { consumer: definition.consumer } : {}),
    ...(definition.relay ? { relay: definition.relay } : {}),
    async build(infrastructure) {
      const sqlTransactions = sqlTransactionsOn(statements, infrastructure.withRelayWake);
      const { db, jobs } = views(infrastructure, sqlTransactions);
      const ctx: ServiceContext<Env, Tx, Options> = {
        name: definition.name,
        env,
        tenants: runtime.tenants ?? noTenants(definition.name),
        logger,
        clock,
        meter: metrics.meter,
        db,
        outbox: new Outbox<Tx>(infrastructure.transactions),
        jobs,
        options: { ...definition.options, ...runtime.options } as Options,
        onStop: (name, stop) => {
          clientStops.push({ name, stop });
        },
      };
      const parts = await definition.build(ctx);
      const privacy = parts.privacy;
      if (infrastructure.works) {
        const retention = privacy
          ? [retentionWorker({ ...ctx, retentionDays: env.RETENTION_DAYS ?? 90 }, privacy.purge)]
          : [];
        await startWorkers(infrastructure.jobs, [...(parts.jobs ?? []), ...retention], {
          ...(runtime.jobPollingSeconds ? { pollingIntervalSeconds: runtime.jobPollingSeconds } : {}),
        });
        for (const loop of parts.background ?? []) {
          const running = await loop.start();
          runtime.onStop(loop.name, () => running.stop());
        }
      }
      // The consumer's transactions: Prisma's, or plain pg where the service's parts ask for it.
      const consumer: Transactions<unknown> =
        parts.consumerTransactions === 'sql' ? sqlTransactions : infrastructure.transactions;
      const handlers: Handler[] = parts.handlers ?? [];
      return {
        handlers: privacy?.erase
          ? [...handlers, erasureHandler(definition.name, privacy.erase as never, consumer)]
          : handlers,
        consumerTransactions: consumer,
        ...(parts.routes ? { routes: parts.routes } : {}),
      };
    },
  });
  return { app: service.app, ...views(service), clock, ...(service.url ? { url: service.url } : {}) };
}

/**
 * The pool of `db.sql` and `db.transaction`, apart from Prisma's: a hot statement (ingest's webhook INSERT) never waits for a
 * connection behind the background's transactions (job queuer, syncs, relay), and concurrent requests commit
 * together. Connections open on first use only (a service without `db.sql` opens none) and close when idle.
 */
function statementPool(connectionString: string, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: STATEMENT_POOL_MAX,
    // db.transaction's counterpart of db.run's 30 s time-out: a transaction idle that long between its
    // statements (a stuck caller holding row or advisory locks) is ended by the server, with its connection.
    idle_in_transaction_session_timeout: TRANSACTION_IDLE_LIMIT_MS,
  });
  // An idle connection's error (the server restarted) would otherwise crash the process; the pool drops it.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection failed'));
  return pool;
}

function databasePool(role: ServiceRole | undefined): DatabasePool {
  return partsOfRole(role).work ? {} : { maxConnections: WEB_PRISMA_POOL_MAX };
}

/** ctx.tenants of a service started without a tenants file: any use says so. */
function noTenants(service: string): Tenants {
  const fail = (): never => {
    throw new Error(`${service} was started without tenants: set TENANTS_FILE`);
  };
  return { get: fail, require: fail, all: fail, property: fail, secret: fail };
}
