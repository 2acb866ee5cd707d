/**
 * Starts reminder's parts in dependency order. `onStop` receives each part's stop function as it starts;
 * the caller (runService's lifecycle, or a test) runs them in reverse order.
 */
import type { Tenants } from '@autoverify/config';
import { createPrismaAdapter } from '@autoverify/database';
import type { Logger } from '@autoverify/logger';
import { type HttpServer, startEventService } from '@autoverify/service-kit';
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
  const running = await startEventService<Tx>({
    service: 'reminder',
    env,
    prisma,
    logger,
    onStop,
    ...(options.listen === false ? { listen: false } : {}),
    async build({ transactions, jobs, relay }) {
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
      return { handlers: reminder.handlers };
    },
  });
  return { app: running.app, prisma, ...(running.url ? { url: running.url } : {}) };
}
