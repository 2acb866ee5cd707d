/**
 * The one service shape: a definition (name, env schema, database, build) that runService (main.ts) and
 * startServiceUnderTest (integration tests) start the same way. `build` receives the context every service
 * shares and returns the service's parts; service-kit registers them.
 */
import type { TenantSecretKind, Tenants } from '@autoverify/config';
import type { TopicId } from '@autoverify/contracts';
import type { Logger } from '@autoverify/logger';
import type { Handler, Outbox, PrismaLike, PrismaTx } from '@autoverify/messaging';
import type { Meter } from '@autoverify/telemetry';
import type { Static, TObject } from 'typebox';
import type { Clock } from './clock.ts';
import type { Database, SqlTransaction } from './database.ts';
import type { ConsumerService, EventServiceEnv } from './event-service.ts';
import type { HttpServer } from './http.ts';
import type { Jobs, JobWorker } from './job.ts';
import type { StopHook } from './lifecycle.ts';
import type { PrivacyParts } from './privacy.ts';

/** The variables service-kit reads: spread `commonEnv` and add HOST and the service's default PORT. */
export interface ServiceEnv extends EventServiceEnv {
  LOG_LEVEL: string;
  /** Services configured per customer have one; ctx.tenants throws without it. */
  TENANTS_FILE?: string;
  /** Days personal data is kept after its final state (commonEnv, default 90). */
  RETENTION_DAYS?: number;
}

/** What service-kit asks of a service's Prisma pool: empty (the adapter's default) but in a web process. */
export interface DatabasePool {
  maxConnections?: number;
}

/** A service's own generated PrismaClient (structural: service-kit has no generated client). */
export type ServiceClient = PrismaLike<PrismaTx> & { $disconnect(): Promise<void> };

/** The transaction client of a PrismaClient (its `Prisma.TransactionClient`). */
export type TxOf<Client> = Client extends {
  $transaction(fn: (tx: infer Tx) => Promise<unknown>, options?: never): Promise<unknown>;
}
  ? Tx
  : never;

/** What every service's build, handlers, jobs and routes work with. */
export interface ServiceContext<Env, Tx, Options> {
  readonly name: ConsumerService;
  /** Validated against the definition's env schema. */
  readonly env: Env;
  /** The tenants file (TENANTS_FILE); every method throws when the service was started without one. */
  readonly tenants: Tenants;
  readonly logger: Logger;
  /** systemClock in production; tests pass a fixed or moving one. */
  readonly clock: Clock;
  /** The service's own metrics (served on /metrics): counters and gauges of its use cases. */
  readonly meter: Meter;
  /** Transactions (`run`) and reads outside one (`client`); see database.ts. */
  readonly db: Database<Tx>;
  /** Adds events inside a `db.run` transaction; the relay is woken after it commits. */
  readonly outbox: Outbox<Tx>;
  /** Enqueues jobs (workers are registered from ServiceParts.jobs). */
  readonly jobs: Jobs<Tx>;
  /** The definition's `options`, with what a test passed merged over them. */
  readonly options: Options;
  /** Stops a client the service made (SMTP, an API client) after everything that could use it has stopped. */
  onStop(name: string, stop: StopHook): void;
}

export interface BackgroundLoop {
  readonly name: string;
  /** Starts the loop; only a process that works does (SERVICE_ROLE all or worker, role.ts). */
  start(): RunningLoop | Promise<RunningLoop>;
}

export interface RunningLoop {
  /** Lets the current round finish and starts no other. */
  stop(): Promise<void>;
}

/**
 * What build returns: the service's parts; service-kit registers and starts them. TypeScript does not infer
 * the parameters of an `erase` written inline from this union: name their types (report-sync's service.ts).
 */
export type ServiceParts<Tx> = CommonParts &
  (
    | {
        /** The consumer's handlers run in Prisma's interactive transactions (the default). */
        consumerTransactions?: 'prisma';
        /** Consumer handlers for the service's subscriptions (contracts' `subscriptions[name]`). */
        handlers?: Handler<Tx>[];
        /**
         * A service holding personal data: its erasure and retention store functions. service-kit handles
         * ApplicantErasureRequested with `erase` (publishing ApplicantErased) and runs `purge` daily.
         */
        privacy?: PrivacyParts<Tx>;
      }
    | {
        /**
         * The consumer's handlers (and `privacy.erase`) run in plain-pg transactions: a hot consumer whose
         * every event is a few statements (docs/architecture.md "Data access rules"). `purge` stays on Prisma.
         */
        consumerTransactions: 'sql';
        handlers?: Handler<SqlTransaction>[];
        privacy?: PrivacyParts<Tx, SqlTransaction>;
      }
  );

interface CommonParts {
  /** Job workers: `worker(job, (data, attempt) => ...)`; not started in a web process. */
  jobs?: JobWorker[];
  /**
   * Loops (schedulers, queuers), started after the job workers, not in a web process. Stopped after HTTP
   * and the consumer, which may wake them, and before the job workers and the database, which they use: a
   * batch in flight commits.
   */
  background?: BackgroundLoop[];
  /** Adds the service's routes (webhooks, admin API) to its HTTP server; not in a worker process. */
  routes?: (app: HttpServer) => void | Promise<void>;
}

export interface ServiceDefinition<
  Env extends ServiceEnv,
  Client extends ServiceClient,
  Options extends object,
> {
  readonly name: ConsumerService;
  /** TypeBox schema of the service's environment: `Type.Object({ ...commonEnv, HOST, PORT, ... })`. */
  readonly env: TObject;
  /**
   * Makes the service's own PrismaClient: `(url, pool) => new PrismaClient({ adapter: createPrismaAdapter(url,
   * pool) })`. `pool` limits a web process's connections (SERVICE_ROLE=web: its routes' few transactions).
   */
  database(url: string, pool: DatabasePool): Client;
  /** Settings a test may override (short waits, small limits), with their production values. */
  readonly options?: Options;
  /** The consumer's topics (default: contracts' `subscriptions[name]`; support: give them) and partitions in parallel (default 1). */
  readonly consumer?: { topics?: readonly TopicId[]; concurrency?: number };
  /**
   * The outbox relay: `lingerMs` lets the commits that follow a wake within it share one batch (default 0),
   * for a service whose events nobody waits on by the millisecond.
   */
  readonly relay?: { lingerMs?: number };
  /** Largest request body in bytes (default 1 MiB). */
  readonly bodyLimit?: number;
  /**
   * The kinds of tenant secrets the service uses (`ctx.tenants.secret`): checked at start-up, read only when
   * used. Default none: the service never reads a customer's Entrata key or webhook secret.
   */
  readonly tenantSecrets?: readonly TenantSecretKind[];
  build(
    ctx: ServiceContext<Env, TxOf<Client>, Options>,
  ): ServiceParts<TxOf<Client>> | Promise<ServiceParts<TxOf<Client>>>;
}

/**
 * Declares a service. Types flow from the arguments: `ctx.env` from the env schema, the transaction type
 * from the client `database` returns, `ctx.options` from `options`.
 */
export function defineService<
  S extends TObject,
  Client extends ServiceClient,
  Options extends object = Record<never, never>,
>(
  definition: {
    name: ConsumerService;
    env: S;
    database(url: string, pool: DatabasePool): Client;
    options?: Options;
    consumer?: { topics?: readonly TopicId[]; concurrency?: number };
    relay?: { lingerMs?: number };
    bodyLimit?: number;
    tenantSecrets?: readonly TenantSecretKind[];
    build(
      ctx: ServiceContext<Static<S>, TxOf<Client>, Options>,
    ): ServiceParts<TxOf<Client>> | Promise<ServiceParts<TxOf<Client>>>;
  } & (Static<S> extends ServiceEnv ? unknown : { env: 'the env schema must include commonEnv and HOST' }),
): ServiceDefinition<Static<S> & ServiceEnv, Client, Options> {
  return definition as unknown as ServiceDefinition<Static<S> & ServiceEnv, Client, Options>;
}

/** Any service definition (for code that starts one without knowing its types). */
// biome-ignore lint/suspicious/noExplicitAny: a definition of any env, client and options
export type AnyServiceDefinition = ServiceDefinition<any, any, any>;
