/**
 * Starts report-sync's parts in dependency order. `onStop` receives each part's stop function as it starts;
 * the caller (runService's lifecycle, or a test) runs them in reverse order.
 */
import type { Tenants } from '@autoverify/config';
import { createPrismaAdapter } from '@autoverify/database';
import { type EntrataTuning, entrataClientsPerTenant } from '@autoverify/entrata-client';
import type { Logger } from '@autoverify/logger';
import { type HttpServer, type JobQueue, startEventService } from '@autoverify/service-kit';
import { verificationClientFromEnv } from '@autoverify/verification-client';
import { buildReportSync } from './app.ts';
import type { ReportSyncEnv } from './config.ts';
import { PrismaClient, type Tx } from './db.ts';
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
  entrata?: EntrataTuning;
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

  const platform = verificationClientFromEnv(env, logger, options.platform);
  onStop('verification platform client', () => platform.close());
  const entrata = entrataClientsPerTenant(tenants, logger, options.entrata);
  onStop('entrata clients', () => entrata.close());

  const prisma = new PrismaClient({ adapter: createPrismaAdapter(env.DATABASE_URL) });
  const running = await startEventService<Tx>({
    service: 'report-sync',
    env,
    prisma,
    logger,
    onStop,
    ...(options.listen === false ? { listen: false } : {}),
    async build({ transactions, jobs, relay }) {
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
      return { handlers: service.handlers, routes: (app) => service.routes(app) };
    },
  });
  return { app: running.app, jobs: running.jobs, prisma, ...(running.url ? { url: running.url } : {}) };
}
