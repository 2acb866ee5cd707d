/**
 * Starts notify's parts in dependency order. `onStop` receives each part's stop function as it starts;
 * the caller (runService's lifecycle, or a test) runs them in reverse order.
 */
import type { Tenants } from '@autoverify/config';
import { createPrismaAdapter } from '@autoverify/database';
import type { Logger } from '@autoverify/logger';
import { type HttpServer, type JobQueue, startEventService } from '@autoverify/service-kit';
import type { FastifyInstance } from 'fastify';
import { buildNotify } from './app.ts';
import type { NotifyEnv } from './config.ts';
import { PrismaClient, type Tx } from './db.ts';
import type { SendNotificationJobData } from './handlers/send-notification.ts';
import { smtpEmailProvider } from './providers/email.ts';
import { twilioSmsProvider } from './providers/sms.ts';

export interface StartNotifyOptions {
  env: NotifyEnv;
  tenants: Tenants;
  logger: Logger;
  onStop(name: string, stop: () => Promise<void> | void): void;
  /** Listen on the configured port (default true); tests may pass false and use app.inject. */
  listen?: boolean;
  /** Job polling interval; tests use a short one. */
  jobPollingSeconds?: number;
}

export interface RunningNotify {
  app: HttpServer;
  /** The job queue (tests enqueue jobs directly to replay a crash). */
  jobs: JobQueue;
  /** The address the HTTP server listens on, when it listens. */
  url?: string;
}

export async function startNotify(options: StartNotifyOptions): Promise<RunningNotify> {
  const { env, tenants, logger, onStop } = options;

  const email = smtpEmailProvider(env.SMTP_URL);
  onStop('smtp', () => email.close());
  const publicUrl = env.NOTIFY_PUBLIC_URL.replace(/\/+$/, '');
  const sms = twilioSmsProvider({
    baseUrl: env.TWILIO_BASE_URL,
    accountSid: env.TWILIO_ACCOUNT_SID,
    authToken: env.TWILIO_AUTH_TOKEN,
    statusCallbackUrl: `${publicUrl}/webhooks/twilio/status`,
  });
  onStop('twilio', () => sms.close());

  const running = await startEventService<Tx>({
    service: 'notify',
    env,
    prisma: new PrismaClient({ adapter: createPrismaAdapter(env.DATABASE_URL) }),
    logger,
    onStop,
    ...(options.listen === false ? { listen: false } : {}),
    async build({ transactions, jobs, relay }) {
      const notify = buildNotify<Tx>({
        transactions,
        jobs,
        relay,
        tenants,
        email,
        sms,
        logger,
        publicUrl,
        unsubscribeSecret: env.UNSUBSCRIBE_SECRET,
        twilioAuthToken: env.TWILIO_AUTH_TOKEN,
      });
      for (const job of notify.jobs) {
        await jobs.work<SendNotificationJobData>(job.name, (data) => job.run(data), {
          concurrency: 4,
          ...(options.jobPollingSeconds ? { pollingIntervalSeconds: options.jobPollingSeconds } : {}),
        });
      }
      return { handlers: notify.handlers, routes: (app) => notify.routes(app as unknown as FastifyInstance) };
    },
  });
  return { app: running.app, jobs: running.jobs, ...(running.url ? { url: running.url } : {}) };
}
