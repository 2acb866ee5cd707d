import { createPrismaAdapter } from '@autoverify/database';
import { defineService, type ServiceContext, worker } from '@autoverify/service-kit';
import { NotifyEnv } from './config.ts';
import { PrismaClient, type Tx } from './db.ts';
import { notificationRequestedHandlers } from './handlers/notification-requested.ts';
import { sendNotificationJob } from './handlers/send-notification.ts';
import { twilioWebhookRoutes } from './http/twilio-webhooks.ts';
import { unsubscribeRoutes } from './http/unsubscribe.ts';
import { sendNotification } from './jobs.ts';
import { type EmailProvider, smtpEmailProvider } from './providers/email.ts';
import { type SmsProvider, twilioSmsProvider } from './providers/sms.ts';
import { eraseApplicant, purgeExpired } from './store.ts';

/** What notify's handlers, jobs and routes work with: the shared context and notify's two providers. */
export interface NotifyContext extends ServiceContext<NotifyEnv, Tx, object> {
  email: EmailProvider;
  sms: SmsProvider;
  /** NOTIFY_PUBLIC_URL without a trailing slash: unsubscribe links and Twilio signatures use it. */
  publicUrl: string;
}

/**
 * Partitions of notification-requests handled at once: all six of the topic, so one application's requests
 * (one key, one partition, in order) never wait behind another application's.
 */
const CONSUMER_CONCURRENCY = 6;

/**
 * Prisma's connections: the retention job and the readiness check. The consumer's transactions, the send
 * jobs and the webhooks are plain pg, on service-kit's pool of 10: the consumer holds at most
 * CONSUMER_CONCURRENCY, each send job and webhook one at a time, and a statement waits for a free one.
 */
const DATABASE_POOL = 2;

/**
 * notify's events are outcomes (NotificationSent, NotificationFailed) that reminder and the support console
 * record; nobody waits on them by the millisecond. Each send job commits its own, so without a linger the
 * relay published about one per batch (e2e/bench README, eighth session).
 */
const RELAY_LINGER_MS = 50;

/** notify: sends requested emails and SMS, records their outcomes, honours opt-outs. */
export const notifyService = defineService({
  name: 'notify',
  env: NotifyEnv,
  database: (url, pool) =>
    new PrismaClient({ adapter: createPrismaAdapter(url, { maxConnections: DATABASE_POOL, ...pool }) }),
  consumer: { concurrency: CONSUMER_CONCURRENCY },
  relay: { lingerMs: RELAY_LINGER_MS },
  build(shared) {
    const { env } = shared;
    const publicUrl = env.NOTIFY_PUBLIC_URL.replace(/\/+$/, '');
    const email = smtpEmailProvider(env.SMTP_URL, {
      requireTls: env.SMTP_REQUIRE_TLS,
      maxConnections: env.SMTP_MAX_CONNECTIONS,
    });
    shared.onStop('smtp', () => email.close());
    const sms = twilioSmsProvider({
      baseUrl: env.TWILIO_BASE_URL,
      accountSid: env.TWILIO_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN,
      statusCallbackUrl: `${publicUrl}/webhooks/twilio/status`,
    });
    shared.onStop('twilio', () => sms.close());
    const ctx: NotifyContext = { ...shared, email, sms, publicUrl };
    return {
      // Every NotificationRequested is a few statements: plain pg, not Prisma's interactive transaction.
      consumerTransactions: 'sql',
      handlers: notificationRequestedHandlers(ctx),
      jobs: [worker(sendNotification, sendNotificationJob(ctx))],
      privacy: { erase: (tx, { applicantId }) => eraseApplicant(tx.sql, applicantId), purge: purgeExpired },
      async routes(app) {
        await app.register(async (scope) => twilioWebhookRoutes(scope, ctx));
        await app.register(async (scope) => unsubscribeRoutes(scope, ctx));
      },
    };
  },
});
