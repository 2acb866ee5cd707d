/**
 * Starts reminder's parts in dependency order. `onStop` receives each part's stop function as it starts;
 * the caller (runService's lifecycle, or a test) runs them in reverse order.
 */
import type { Tenants } from '@autoverify/config';
import { subscriptions } from '@autoverify/contracts';
import { createPrismaAdapter } from '@autoverify/database';
import type { Logger } from '@autoverify/logger';
import { createKafka, prismaTransactions, startConsumer, startOutboxRelay } from '@autoverify/messaging';
import { addReadinessCheck, createHttpServer, type HttpServer, startJobQueue } from '@autoverify/service-kit';
import { buildReminder } from './app.ts';
import type { Clock } from './clock.ts';
import type { Env } from './config.ts';
import { PrismaClient, type Tx } from './db.ts';
import { SEND_REMINDER_JOB, type SendReminderJob } from './ports.ts';

export interface StartReminderOptions {
  env: Env;
  tenants: Tenants;
  logger: Logger;
  onStop(name: string, stop: () => Promise<void> | void): void;
  /** Listen on the configured port (default true); tests may pass false and use app.inject. */
  listen?: boolean;
  /** Job polling interval; tests use a short one. */
  jobPollingSeconds?: number;
  /** Tests only: the time the fire-time rules see. */
  clock?: Clock;
}

export interface RunningReminder {
  app: HttpServer;
  prisma: InstanceType<typeof PrismaClient>;
  url?: string;
}

export async function startReminder(options: StartReminderOptions): Promise<RunningReminder> {
  const { env, tenants, logger, onStop } = options;

  const prisma = new PrismaClient({ adapter: createPrismaAdapter(env.DATABASE_URL) });
  onStop('database', () => prisma.$disconnect());
  const transactions = prismaTransactions<Tx>(prisma);

  const kafka = createKafka({
    brokers: env.KAFKA_BROKERS,
    clientId: 'reminder',
    namespace: env.KAFKA_NAMESPACE,
    logger,
  });
  onStop('kafka', () => kafka.disconnect());

  const relay = await startOutboxRelay({ kafka, transactions, logger });
  onStop('outbox relay', () => relay.stop());

  const jobs = await startJobQueue({ connectionString: env.DATABASE_URL, logger });
  onStop('jobs', () => jobs.stop());

  const reminder = buildReminder<Tx>({
    transactions,
    jobs,
    tenants,
    relay,
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await jobs.work<SendReminderJob>(
    SEND_REMINDER_JOB,
    async (data) => {
      await reminder.sendReminder(data);
    },
    {
      concurrency: 2,
      ...(options.jobPollingSeconds ? { pollingIntervalSeconds: options.jobPollingSeconds } : {}),
    },
  );

  const consumer = await startConsumer({
    kafka,
    service: 'reminder',
    topics: subscriptions.reminder,
    transactions,
    handlers: reminder.handlers,
    logger,
    relay,
  });
  onStop('consumer', () => consumer.stop());

  const app = createHttpServer({ logger });
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
