/**
 * Starts notify's parts in dependency order. `onStop` receives each part's stop function as it starts;
 * the caller (runService's lifecycle, or a test) runs them in reverse order.
 */
import type { Tenants } from '@autoverify/config';
import { subscriptions } from '@autoverify/contracts';
import { createPrismaAdapter } from '@autoverify/database';
import type { Logger } from '@autoverify/logger';
import { createKafka, prismaTransactions, startConsumer, startOutboxRelay } from '@autoverify/messaging';
import {
  addReadinessCheck,
  createHttpServer,
  type HttpServer,
  type JobQueue,
  startJobQueue,
} from '@autoverify/service-kit';
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

  const prisma = new PrismaClient({ adapter: createPrismaAdapter(env.DATABASE_URL) });
  onStop('database', () => prisma.$disconnect());
  const transactions = prismaTransactions<Tx>(prisma);

  const kafka = createKafka({
    brokers: env.KAFKA_BROKERS,
    clientId: 'notify',
    namespace: env.KAFKA_NAMESPACE,
    logger,
  });
  onStop('kafka', () => kafka.disconnect());

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

  const relay = await startOutboxRelay({ kafka, transactions, logger });
  onStop('outbox relay', () => relay.stop());

  const jobs = await startJobQueue({ connectionString: env.DATABASE_URL, logger });
  onStop('jobs', () => jobs.stop());

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

  const consumer = await startConsumer({
    kafka,
    service: 'notify',
    topics: subscriptions.notify,
    transactions,
    handlers: notify.handlers,
    logger,
    relay,
  });
  onStop('consumer', () => consumer.stop());

  const app = createHttpServer({ logger });
  await notify.routes(app as unknown as FastifyInstance);
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
    return { app, jobs };
  }
  const url = await app.listen({ host: env.HOST, port: env.PORT });
  return { app, jobs, url };
}
