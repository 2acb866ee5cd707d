/**
 * Starts report-sync's parts in dependency order. `onStop` receives each part's stop function as it starts;
 * the caller (runService's lifecycle, or a test) runs them in reverse order.
 */
import type { Tenants } from '@autoverify/config';
import { subscriptions } from '@autoverify/contracts';
import { createPrismaAdapter } from '@autoverify/database';
import type { EntrataClientOptions } from '@autoverify/entrata-client';
import type { Logger } from '@autoverify/logger';
import { createKafka, prismaTransactions, startConsumer, startOutboxRelay } from '@autoverify/messaging';
import {
  addReadinessCheck,
  createHttpServer,
  type HttpServer,
  type JobQueue,
  startJobQueue,
} from '@autoverify/service-kit';
import { createVerificationClient } from '@autoverify/verification-client';
import { buildReportSync } from './app.ts';
import type { ReportSyncEnv } from './config.ts';
import { PrismaClient, type Tx } from './db.ts';
import { entrataClients } from './entrata-clients.ts';
import type { SyncReportJobData } from './handlers/ports.ts';

export interface StartReportSyncOptions {
  env: ReportSyncEnv;
  tenants: Tenants;
  logger: Logger;
  onStop(name: string, stop: () => Promise<void> | void): void;
  /** Listen on the configured port (default true); tests may pass false and use app.inject. */
  listen?: boolean;
  /** Job polling interval; tests use a short one. */
  jobPollingSeconds?: number;
  /** Waits before each document-list check after an unconfirmed upload; tests use short ones. */
  verifyDelaysMs?: number[];
  /** Entrata client tuning; tests use short time-outs and back-offs. */
  entrata?: Partial<
    Pick<EntrataClientOptions, 'maxAttempts' | 'backoff' | 'maxWaitMs' | 'headersTimeoutMs' | 'bodyTimeoutMs'>
  >;
  /** Platform client tuning. */
  platform?: { timeoutMs?: number };
}

export interface RunningReportSync {
  app: HttpServer;
  /** The job queue (tests enqueue jobs directly to replay a crash). */
  jobs: JobQueue;
  prisma: InstanceType<typeof PrismaClient>;
  url?: string;
}

export async function startReportSync(options: StartReportSyncOptions): Promise<RunningReportSync> {
  const { env, tenants, logger, onStop } = options;

  const prisma = new PrismaClient({ adapter: createPrismaAdapter(env.DATABASE_URL) });
  onStop('database', () => prisma.$disconnect());
  const transactions = prismaTransactions<Tx>(prisma);

  const kafka = createKafka({
    brokers: env.KAFKA_BROKERS,
    clientId: 'report-sync',
    namespace: env.KAFKA_NAMESPACE,
    logger,
  });
  onStop('kafka', () => kafka.disconnect());

  const platform = createVerificationClient({
    baseUrl: env.PLATFORM_BASE_URL,
    clientId: env.PLATFORM_CLIENT_ID,
    secretKey: env.PLATFORM_SECRET_KEY,
    logger,
    ...(options.platform?.timeoutMs ? { timeoutMs: options.platform.timeoutMs } : {}),
  });
  onStop('verification platform client', () => platform.close());
  const entrata = entrataClients(tenants, logger, options.entrata);
  onStop('entrata clients', () => entrata.close());

  const relay = await startOutboxRelay({ kafka, transactions, logger });
  onStop('outbox relay', () => relay.stop());

  const jobs = await startJobQueue({ connectionString: env.DATABASE_URL, logger });
  onStop('jobs', () => jobs.stop());

  const retry = { retryLimit: env.SYNC_RETRY_LIMIT, retryDelay: env.SYNC_RETRY_DELAY_SECONDS };
  const service = buildReportSync<Tx>({
    transactions,
    jobs,
    retry,
    relay,
    logger,
    tenants,
    entrata,
    platform,
    adminToken: env.ADMIN_TOKEN,
    ...(options.verifyDelaysMs ? { verifyDelaysMs: options.verifyDelaysMs } : {}),
  });
  await jobs.work<SyncReportJobData>(
    service.syncJob.name,
    // retryCount counts this job's earlier runs; a support retry sends a new job with a fresh budget.
    (data, job) => service.syncJob.run(data, { final: job.retryCount >= retry.retryLimit }),
    {
      concurrency: 2,
      ...(options.jobPollingSeconds ? { pollingIntervalSeconds: options.jobPollingSeconds } : {}),
    },
  );

  const consumer = await startConsumer({
    kafka,
    service: 'report-sync',
    topics: subscriptions['report-sync'],
    transactions,
    handlers: service.handlers,
    logger,
    relay,
  });
  onStop('consumer', () => consumer.stop());

  const app = createHttpServer({ logger });
  await service.routes(app);
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
    return { app, jobs, prisma };
  }
  const url = await app.listen({ host: env.HOST, port: env.PORT });
  return { app, jobs, prisma, url };
}
