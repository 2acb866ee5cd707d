/**
 * Starts ingest's parts in dependency order. `onStop` receives each part's stop function as it starts;
 * the caller (runService's lifecycle, or a test) runs them in reverse order.
 */
import type { Tenants } from '@autoverify/config';
import { subscriptions } from '@autoverify/contracts';
import { createPrismaAdapter } from '@autoverify/database';
import { entrataClientsPerTenant } from '@autoverify/entrata-client';
import type { Logger } from '@autoverify/logger';
import { createKafka, prismaTransactions, startConsumer, startOutboxRelay } from '@autoverify/messaging';
import { addReadinessCheck, createHttpServer, type HttpServer, startJobQueue } from '@autoverify/service-kit';
import { buildIngest } from './app.ts';
import type { IngestEnv } from './config.ts';
import { PrismaClient, type Tx } from './db.ts';

export interface StartIngestOptions {
  env: IngestEnv;
  tenants: Tenants;
  logger: Logger;
  onStop(name: string, stop: () => Promise<void> | void): void;
  /** Listen on the configured port (default true); tests may pass false and use app.inject. */
  listen?: boolean;
  /** Job polling interval; tests use a short one. */
  jobPollingSeconds?: number;
}

export interface RunningIngest {
  app: HttpServer;
  prisma: InstanceType<typeof PrismaClient>;
  url?: string;
}

export async function startIngest(options: StartIngestOptions): Promise<RunningIngest> {
  const { env, tenants, logger, onStop } = options;

  const prisma = new PrismaClient({ adapter: createPrismaAdapter(env.DATABASE_URL) });
  onStop('database', () => prisma.$disconnect());
  const transactions = prismaTransactions<Tx>(prisma);

  const kafka = createKafka({
    brokers: env.KAFKA_BROKERS,
    clientId: 'ingest',
    namespace: env.KAFKA_NAMESPACE,
    logger,
  });
  onStop('kafka', () => kafka.disconnect());

  const entrata = entrataClientsPerTenant(tenants, logger);
  onStop('entrata clients', () => entrata.close());

  const relay = await startOutboxRelay({ kafka, transactions, logger });
  onStop('outbox relay', () => relay.stop());

  const jobs = await startJobQueue({ connectionString: env.DATABASE_URL, logger });
  onStop('jobs', () => jobs.stop());

  const ingest = buildIngest({
    transactions,
    jobs,
    tenants,
    entrata,
    relay,
    logger,
    platformWebhookSecret: env.PLATFORM_WEBHOOK_SECRET,
    reconciliationTickMs: env.RECONCILIATION_TICK_MS,
  });
  const workers = await ingest.startWorkers(
    options.jobPollingSeconds ? { pollingIntervalSeconds: options.jobPollingSeconds } : {},
  );
  onStop('reconciliation scheduler', () => workers.stop());

  const consumer = await startConsumer({
    kafka,
    service: 'ingest',
    topics: subscriptions.ingest,
    transactions,
    handlers: ingest.handlers,
    logger,
    relay,
  });
  onStop('consumer', () => consumer.stop());

  const app = createHttpServer({ logger });
  await ingest.routes(app);
  addReadinessCheck(app, 'database', async () => {
    await prisma.$queryRawUnsafe('SELECT 1');
  });
  addReadinessCheck(app, 'jobs', () => jobs.ping());
  addReadinessCheck(app, 'kafka', async () => {
    await kafka.listTopics();
  });
  onStop('http', () => app.close());
  if (options.listen === false) {
    await app.ready();
    return { app, prisma };
  }
  const url = await app.listen({ host: env.HOST, port: env.PORT });
  return { app, prisma, url };
}
