/**
 * Starts invite's parts in dependency order. `onStop` receives each part's stop function as it starts;
 * the caller (runService's lifecycle, or a test) runs them in reverse order.
 */
import type { Tenants } from '@autoverify/config';
import { createPrismaAdapter } from '@autoverify/database';
import type { Logger } from '@autoverify/logger';
import { type HttpServer, startEventService } from '@autoverify/service-kit';
import { verificationClientFromEnv } from '@autoverify/verification-client';
import { buildInvite } from './app.ts';
import { type InviteEnv, platformWebhookUrl } from './config.ts';
import { PrismaClient, type Tx } from './db.ts';
import type { ExpireJobData } from './handlers/expire-invite.ts';
import type { RequestJobData } from './handlers/request-verification.ts';
import { registerAdminRoutes } from './http/admin-routes.ts';
import { JOB_NAMES, type JobRetry, REQUEST_JOB_RETRY } from './ports.ts';

export interface StartInviteOptions {
  env: InviteEnv;
  tenants: Tenants;
  logger: Logger;
  onStop(name: string, stop: () => Promise<void> | void): void;
  /** Listen on the configured port (default true); tests may pass false and use app.inject. */
  listen?: boolean;
  /** Job polling interval; tests use a short one. */
  jobPollingSeconds?: number;
  /** Platform client tuning; tests use short time-outs. */
  platform?: { timeoutMs?: number };
  /** Retries of the platform job; tests use short delays. */
  requestRetry?: JobRetry;
}

export interface RunningInvite {
  app: HttpServer;
  prisma: InstanceType<typeof PrismaClient>;
  url?: string;
}

export async function startInvite(options: StartInviteOptions): Promise<RunningInvite> {
  const { env, tenants, logger, onStop } = options;

  const platform = verificationClientFromEnv(env, logger, options.platform);
  onStop('verification platform client', () => platform.close());

  const prisma = new PrismaClient({ adapter: createPrismaAdapter(env.DATABASE_URL) });
  const running = await startEventService<Tx>({
    service: 'invite',
    env,
    prisma,
    logger,
    onStop,
    ...(options.listen === false ? { listen: false } : {}),
    async build({ transactions, jobs, relay }) {
      const requestRetry = options.requestRetry ?? REQUEST_JOB_RETRY;
      const invite = buildInvite({
        prisma,
        transactions,
        jobs,
        platform,
        tenants,
        relay,
        logger,
        webhookUrl: platformWebhookUrl(env.INGEST_PUBLIC_URL),
        requestRetry,
      });
      const polling = options.jobPollingSeconds ? { pollingIntervalSeconds: options.jobPollingSeconds } : {};
      await jobs.work<RequestJobData>(
        JOB_NAMES.request,
        (data, job) =>
          invite.jobs[JOB_NAMES.request](data, {
            attempt: job.retryCount + 1,
            final: job.retryCount >= requestRetry.retryLimit,
          }),
        { concurrency: 2, ...polling },
      );
      await jobs.work<ExpireJobData>(JOB_NAMES.expire, (data) => invite.jobs[JOB_NAMES.expire](data), {
        concurrency: 2,
        ...polling,
      });
      return {
        handlers: invite.handlers,
        routes: (app) =>
          registerAdminRoutes(app, { token: env.ADMIN_TOKEN, resendInvite: invite.resendInvite }),
      };
    },
  });
  return { app: running.app, prisma, ...(running.url ? { url: running.url } : {}) };
}
