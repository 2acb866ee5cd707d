import { type KafkaConnectionEnv, kafkaConnectionFromEnv } from '@autoverify/config';
import { type ServiceName, subscriptions, type supportConsumer, type TopicId } from '@autoverify/contracts';
import type { Logger } from '@autoverify/logger';
import {
  createKafka,
  type Handler,
  isOwnNotify,
  type KafkaClient,
  OUTBOX_NOTIFY_CHANNEL,
  type OutboxRelay,
  observeOutbox,
  type PgPoolLike,
  type PrismaLike,
  type PrismaTx,
  pgTransactions,
  prismaTransactions,
  type RunningConsumer,
  startConsumer,
  startOutboxRelay,
  type Transactions,
  wakeRelayAfterCommit,
} from '@autoverify/messaging';
import { type ServiceMetrics, startMetrics } from '@autoverify/telemetry';
import pg from 'pg';
import { addLivenessCheck, addReadinessCheck, createHttpServer, type HttpServer } from './http.ts';
import { inboxAdminRoutes } from './inbox-admin.ts';
import { type JobQueue, startJobQueue } from './jobs.ts';
import { listen } from './listen.ts';
import { instrumentHttp, observeJobQueue } from './metrics.ts';
import { outboxAdminRoutes } from './outbox-admin.ts';
import { consumerLivenessCheck } from './probes.ts';
import { partsOfRole, type ServiceRole } from './role.ts';

/** The relay's poll behind LISTEN/NOTIFY: only for a NOTIFY lost while the listener reconnected. */
const RELAY_SAFETY_POLL_MS = 10_000;

export interface EventServiceEnv extends KafkaConnectionEnv {
  DATABASE_URL: string;
  KAFKA_BROKERS: string[];
  KAFKA_NAMESPACE: string;
  HOST: string;
  PORT: number;
  /** The admin routes' bearer token (and the one it replaces while rotating); unset = no admin routes. */
  ADMIN_TOKEN?: string | undefined;
  ADMIN_TOKEN_PREVIOUS?: string | undefined;
  /** Which parts this process runs (role.ts); unset = all. */
  SERVICE_ROLE?: ServiceRole | undefined;
}

/** What every service has once its infrastructure is up; the service builds its use cases on it. */
export interface EventServiceInfrastructure<Tx> {
  /** Wake the relay after a commit that added outbox events (wakeRelayAfterCommit; NOTIFY alone in a web process). */
  transactions: Transactions<Tx>;
  jobs: JobQueue;
  /** Whether this process runs the consumer, job workers and background loops (SERVICE_ROLE, role.ts). */
  works: boolean;
  /**
   * Another transaction runner of this process (service-kit's ctx.db.transaction) wrapped as `transactions`
   * is: its commits that added events wake this process's relay, with the same NOTIFY origin; in a web
   * process the runner itself (the NOTIFY wakes the worker's relay).
   */
  withRelayWake<T>(other: Transactions<T>): Transactions<T>;
}

export interface EventServiceParts {
  /** Consumer handlers for the service's subscriptions (contracts' `subscriptions`). */
  handlers: Handler[];
  /** The transactions the handlers run in (default `infrastructure.transactions`, Prisma's). */
  consumerTransactions?: Transactions<unknown>;
  /** Adds the service's own routes (webhooks, admin) to the HTTP server. */
  routes?: (app: HttpServer) => void | Promise<void>;
}

/** The five services, and the support console (whose consumer reads every topic: pass consumer.topics). */
export type ConsumerService = ServiceName | typeof supportConsumer;

export interface StartEventServiceOptions<Tx extends PrismaTx> {
  service: ConsumerService;
  env: EventServiceEnv;
  /** The service's own generated Prisma client, already constructed with its adapter. */
  prisma: PrismaLike<Tx> & { $disconnect(): Promise<void> };
  /**
   * The service's plain-pg pool (db.sql's): the readiness check, the outbox gauges and the admin routes run
   * on it, so a process whose own work is plain pg never loads Prisma's query engine (~13 MiB) for them.
   */
  statements: PgPoolLike;
  logger: Logger;
  /** Receives each part's stop function as it starts; the lifecycle runs them in reverse order. */
  onStop(name: string, stop: () => Promise<void> | void): void;
  /** Registers job workers and returns handlers and routes. Runs after the job queue, before the consumer. */
  build(infrastructure: EventServiceInfrastructure<Tx>): Promise<EventServiceParts> | EventServiceParts;
  /** Listen on env.HOST:PORT (default true); tests may pass false and use app.inject. */
  listen?: boolean;
  bodyLimit?: number;
  /** The service's meter and /metrics handler (default: its own, from telemetry's startMetrics). */
  metrics?: ServiceMetrics;
  /** The consumer's topics (default: contracts' subscriptions[service]) and partitions in parallel (default 1). */
  consumer?: { topics?: readonly TopicId[]; concurrency?: number };
  /** The outbox relay's linger after a wake (messaging's OutboxRelayOptions.lingerMs; default 0). */
  relay?: { lingerMs?: number };
}

export interface RunningEventService<Tx> extends EventServiceInfrastructure<Tx> {
  app: HttpServer;
  url?: string;
}

/**
 * The wiring every service shares, in dependency order: database, Kafka, outbox relay, job queue, the
 * service's own parts, HTTP with readiness checks, then the consumer of its subscriptions. Stops run in
 * reverse: intake stops first (consumer, HTTP), the relay flushes after it, the database goes last.
 * SERVICE_ROLE=web leaves out Kafka, the relay and the consumer (and the caller its workers and loops);
 * SERVICE_ROLE=worker leaves out the routes, keeping health, readiness and metrics for the probes.
 */
export async function startEventService<Tx extends PrismaTx>(
  options: StartEventServiceOptions<Tx>,
): Promise<RunningEventService<Tx>> {
  const { service, env, prisma, logger, onStop } = options;
  const topics = options.consumer?.topics ?? (service === 'support' ? undefined : subscriptions[service]);
  if (!topics) throw new Error(`${service} has no subscriptions in contracts: give consumer.topics`);
  // Before anything connects: wrong TLS/SASL settings are a configuration error, listed in full.
  const kafkaSecurity = kafkaConnectionFromEnv(env);
  // Services wired by hand (not through defineService) get their metrics here.
  const metrics = options.metrics ?? (await startMetrics(service));
  if (!options.metrics) onStop('metrics', () => metrics.shutdown());
  onStop('database', () => prisma.$disconnect());
  const plain = prismaTransactions<Tx>(prisma);
  const pgPlain = pgTransactions(options.statements);
  const role = partsOfRole(env.SERVICE_ROLE);
  const work = role.work ? await startWork({ ...options, plain, kafkaSecurity }) : undefined;
  // A web process has no relay: its outbox inserts NOTIFY at commit, and the worker's relay LISTENs.
  const transactions = work?.transactions ?? plain;

  const meter = metrics.meter;
  // A web process only sends jobs: its routes' transactions enqueue them, the worker runs them.
  const jobs = await startJobQueue({
    connectionString: env.DATABASE_URL,
    logger,
    meter,
    sendOnly: !role.work,
  });
  onStop('jobs', () => jobs.stop());
  observeOutbox(meter, pgPlain);
  observeJobQueue(meter, jobs);

  const withRelayWake = <T>(other: Transactions<T>): Transactions<T> =>
    work ? wakeRelayAfterCommit(other, work.relay, work.transactions.notifyOrigin) : other;
  const infrastructure = { transactions, jobs, works: role.work, withRelayWake };
  const parts = await options.build(infrastructure);

  const app = createHttpServer({ logger, ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}) });
  addReadinessCheck(app, 'database', async () => {
    await options.statements.query('SELECT 1');
  });
  addReadinessCheck(app, 'jobs', () => jobs.ping());
  // No Kafka check: a service that can write to its database does useful work while the broker is away
  // (ingest keeps accepting webhooks; the outbox publishes once Kafka is back). Marking every pod NotReady
  // on a broker blip would make the ingress answer 503 and lose exactly what the outbox is there to keep.
  let consumer: RunningConsumer | undefined;
  addLivenessCheck(
    app,
    'consumer',
    consumerLivenessCheck(() => consumer),
  );
  instrumentHttp(app, metrics);
  if (role.routes) {
    await parts.routes?.(app);
    // Every service's outbox can set rows aside; support lists, requeues and discards them here. In a web
    // process a requeue wakes the worker's relay the way a commit does, by NOTIFY.
    await outboxAdminRoutes(app, {
      realm: `${service} admin`,
      tokens: [env.ADMIN_TOKEN, env.ADMIN_TOKEN_PREVIOUS],
      transactions: pgPlain,
      relay: work?.relay ?? { wake: () => void notifyOutbox(pgPlain, logger) },
    });
    // Which replayed events the consumer will skip: support's replay dry run asks before anything is sent.
    await inboxAdminRoutes(app, {
      realm: `${service} admin`,
      tokens: [env.ADMIN_TOKEN, env.ADMIN_TOKEN_PREVIOUS],
      consumer: service,
      sql: pgPlain.sql(),
    });
  }
  onStop('http', () => app.close());
  // HTTP first: a restarted ingest takes webhooks while its consumer is still joining the group.
  let url: string | undefined;
  if (options.listen === false) await app.ready();
  else url = await app.listen({ host: env.HOST, port: env.PORT });

  if (work) {
    consumer = await startConsumer({
      kafka: work.kafka,
      service,
      topics,
      transactions: parts.consumerTransactions ?? transactions,
      handlers: parts.handlers,
      logger,
      meter,
      ...(options.consumer?.concurrency ? { concurrency: options.consumer.concurrency } : {}),
    });
    const started = consumer;
    onStop('consumer', () => started.stop());
  }
  return { ...infrastructure, app, ...(url ? { url } : {}) };
}

/**
 * Kafka, the outbox relay and its LISTEN: what a process that works (SERVICE_ROLE all or worker) needs
 * before the service's parts start.
 */
async function startWork<Tx extends PrismaTx>(
  options: StartEventServiceOptions<Tx> & {
    plain: Transactions<Tx>;
    kafkaSecurity: ReturnType<typeof kafkaConnectionFromEnv>;
  },
): Promise<{ kafka: KafkaClient; relay: OutboxRelay; transactions: Transactions<Tx> }> {
  const { service, env, logger, onStop, plain, kafkaSecurity } = options;
  const kafka = createKafka({
    brokers: env.KAFKA_BROKERS,
    clientId: service,
    namespace: env.KAFKA_NAMESPACE,
    logger,
    ...kafkaSecurity,
  });
  onStop('kafka', () => kafka.disconnect());

  // Event-driven, no busy polling while idle: a commit in this process wakes the relay directly (below),
  // one in another process (a replica, a web process, the support console) through NOTIFY; the slow poll
  // only covers a NOTIFY lost while the LISTEN connection was down. The relay's transactions run on plain pg
  // over a connection of their own: a batch is two round trips (messaging's relay-batch.ts), and it never
  // waits behind the consumer's and the jobs' transactions for a connection.
  const relayPool = relayConnection(env.DATABASE_URL, logger);
  onStop('relay connection', () => relayPool.end());
  const relay = await startOutboxRelay({
    kafka,
    pool: relayPool,
    logger,
    pollMs: RELAY_SAFETY_POLL_MS,
    ...(options.relay?.lingerMs ? { lingerMs: options.relay.lingerMs } : {}),
  });
  onStop('outbox relay', () => relay.stop());
  // One mechanism for the consumer, jobs and routes: a commit that added events wakes the relay.
  const transactions = wakeRelayAfterCommit(plain, relay);
  const outboxListener = await listen({
    connectionString: env.DATABASE_URL,
    channel: OUTBOX_NOTIFY_CHANNEL,
    // This process's own commits woke the relay already; a second wake would only cost an empty batch.
    onNotify: (payload) => {
      if (!isOwnNotify(transactions, payload)) relay.wake();
    },
    logger,
  });
  onStop('outbox listener', () => outboxListener.stop());
  return { kafka, relay, transactions };
}

/** Wakes the relays of the service's other processes, as an outbox insert's commit does. */
async function notifyOutbox<Tx>(plain: Transactions<Tx>, logger: Logger): Promise<void> {
  try {
    await plain.sql().query(`SELECT pg_notify('${OUTBOX_NOTIFY_CHANNEL}', '')::text`);
  } catch (error) {
    // The relay's safety poll publishes the row in any case.
    logger.warn({ err: error }, 'waking the outbox relay failed');
  }
}

/**
 * The relay's connections: it runs one batch at a time (its purge between batches), so one is enough; a
 * second serves an explicit flush (support's requeue) that overlaps the loop's purge. Kept open while idle
 * (no idle time-out): the safety poll would otherwise open a new connection every time.
 */
function relayConnection(connectionString: string, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: 2,
    idleTimeoutMillis: 0,
    application_name: 'outbox relay',
  });
  // An idle connection's error (the server restarted) would otherwise crash the process; the pool drops it.
  pool.on('error', (error) => logger.warn({ err: error }, 'outbox relay connection failed'));
  return pool;
}
