import { createPrismaAdapter } from '@autoverify/database';
import { defineService, type ServiceContext, worker } from '@autoverify/service-kit';
import { type Env, envSchema } from './config.ts';
import { PrismaClient, type Tx } from './db.ts';
import { closeReminderHandlers } from './handlers/close-reminders.ts';
import { inviteContactsHandlers } from './handlers/invite-contacts.ts';
import { inviteSentHandlers } from './handlers/invite-sent.ts';
import { sendReminderJob } from './handlers/send-reminder.ts';
import { queueDueReminders, sendReminder } from './jobs.ts';
import { reminderMetrics } from './metrics.ts';
import { queueComingDue } from './queue-reminders.ts';
import { eraseApplicant, purgeExpired } from './store.ts';

/** What reminder's handlers and jobs work with. */
export type ReminderContext = ServiceContext<Env, Tx, object>;

/**
 * Prisma's connections: retention, the pending gauge's count and the readiness check. The consumer's
 * transactions, the send-reminder jobs and the queuer tick are plain pg, on service-kit's pool of 10: the
 * consumer holds one at a time, each job run (sendReminder's concurrency 2, the tick 1) one, and a statement
 * waits for a free one.
 */
const DATABASE_POOL = 2;

/**
 * reminder: plans reminders from InviteSent, fires them as jobs (queued by a tick as they come due), stops
 * them on completion or expiry.
 */
export const reminderService = defineService({
  name: 'reminder',
  env: envSchema,
  database: (url, pool) =>
    new PrismaClient({ adapter: createPrismaAdapter(url, { maxConnections: DATABASE_POOL, ...pool }) }),
  build: (ctx) => {
    const metrics = reminderMetrics(ctx);
    const send = sendReminderJob(ctx);
    return {
      // Every event is a few statements: plain pg, not Prisma's interactive transaction.
      consumerTransactions: 'sql',
      handlers: [...inviteSentHandlers(ctx), ...inviteContactsHandlers(), ...closeReminderHandlers(ctx)],
      // Counted after the run's transaction committed: a rolled-back run is retried, not counted twice.
      jobs: [
        worker(sendReminder, async (data) => metrics.fired(await send(data))),
        worker(queueDueReminders, () => queueComingDue(ctx)),
      ],
      privacy: { erase: (tx, { applicantId }) => eraseApplicant(tx.sql, applicantId), purge: purgeExpired },
    };
  },
});
