/**
 * notify's use cases assembled from their dependencies, so main.ts (production) and the integration tests
 * build the same service.
 */
import type { Handler, Logger, Transactions } from '@autoverify/messaging';
import { Outbox } from '@autoverify/messaging';
import type { FastifyInstance } from 'fastify';
import type { ComposeOptions, PropertyBranding } from './domain/compose.ts';
import type { SenderSource } from './domain/sender-brand.ts';
import { type JobSender, notificationRequestedHandler } from './handlers/notification-requested.ts';
import {
  SEND_NOTIFICATION_JOB,
  type SendNotificationJobData,
  sendNotificationJob,
} from './handlers/send-notification.ts';
import { twilioWebhookRoutes } from './http/twilio-webhooks.ts';
import { unsubscribeRoutes } from './http/unsubscribe.ts';
import type { EmailProvider } from './providers/email.ts';
import type { SmsProvider } from './providers/sms.ts';

export interface NotifyTenants {
  get(id: string): { name: string } | undefined;
  all(): readonly SenderSource[];
  property(tenantId: string, propertyId: string): PropertyBranding;
}

export interface NotifyDeps<Tx> {
  transactions: Transactions<Tx>;
  jobs: JobSender<Tx>;
  relay: { wake(): void };
  tenants: NotifyTenants;
  email: EmailProvider;
  sms: SmsProvider;
  logger: Logger;
  publicUrl: string;
  unsubscribeSecret: string;
  twilioAuthToken: string;
}

export interface NotifyService {
  handlers: Handler<unknown>[];
  jobs: { name: typeof SEND_NOTIFICATION_JOB; run(data: SendNotificationJobData): Promise<void> }[];
  routes(app: FastifyInstance): Promise<void>;
}

export function buildNotify<Tx>(deps: NotifyDeps<Tx>): NotifyService {
  const outbox = new Outbox(deps.transactions);
  const compose: ComposeOptions = { publicUrl: deps.publicUrl, unsubscribeSecret: deps.unsubscribeSecret };
  return {
    handlers: [notificationRequestedHandler(deps) as Handler<unknown>],
    jobs: [{ name: SEND_NOTIFICATION_JOB, run: sendNotificationJob({ ...deps, outbox, compose }) }],
    async routes(app) {
      await app.register(async (scope) =>
        twilioWebhookRoutes(scope, {
          ...deps,
          outbox,
          authToken: deps.twilioAuthToken,
        }),
      );
      await app.register(async (scope) =>
        unsubscribeRoutes(scope, { ...deps, secret: deps.unsubscribeSecret }),
      );
    },
  };
}
