import { NotificationRequested } from '@autoverify/contracts';
import { handle, PermanentError, type Transactions } from '@autoverify/messaging';
import { insertNotification } from '../store.ts';
import {
  SEND_NOTIFICATION_JOB,
  SEND_RETRY_DELAY_SECONDS,
  SEND_RETRY_LIMIT,
  type SendNotificationJobData,
} from './send-notification.ts';

/** The part of the service-kit job queue this handler needs. */
export interface JobSender<Tx> {
  send(
    name: string,
    data: object,
    options: {
      tx?: Tx;
      singletonKey?: string;
      retryLimit?: number;
      retryDelay?: number;
      retryBackoff?: boolean;
    },
  ): Promise<unknown>;
}

export interface NotificationRequestedDeps<Tx> {
  transactions: Transactions<Tx>;
  jobs: JobSender<Tx>;
  /** Throws for an unknown tenant. */
  tenants: { property(tenantId: string, propertyId: string): unknown };
}

/**
 * Stores the request and enqueues its send job in the consumer's transaction. The notification id is the
 * requester's deterministic key: a redelivery, a replay (new event id) or a duplicate request finds the row
 * and does nothing, so one notification id gives at most one message.
 */
export function notificationRequestedHandler<Tx>(deps: NotificationRequestedDeps<Tx>) {
  return handle(NotificationRequested, async (event, tx, ctx) => {
    const p = event.payload;
    if (!/^https?:\/\//i.test(p.link)) {
      throw new PermanentError(`notification ${p.notificationId}: link must be an http(s) URL`);
    }
    try {
      deps.tenants.property(event.tenantId, p.propertyId);
    } catch (error) {
      throw new PermanentError(`notification ${p.notificationId}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const inserted = await insertNotification(deps.transactions.sql(tx), {
      notificationId: p.notificationId,
      tenantId: event.tenantId,
      requestEventId: event.id,
      applicationId: p.applicationId,
      applicantId: p.applicantId,
      propertyId: p.propertyId,
      purpose: p.purpose,
      kind: p.kind,
      channel: p.channel,
      recipient: p.to.trim(),
      recipientName: p.recipientName,
      link: p.link,
      expiresAt: p.expiresAt,
      reminderNumber: p.reminderNumber ?? null,
    });
    if (!inserted) {
      ctx.logger.info({ notificationId: p.notificationId }, 'notification already requested: no new message');
      return;
    }
    const data: SendNotificationJobData = { notificationId: p.notificationId };
    await deps.jobs.send(SEND_NOTIFICATION_JOB, data, {
      tx,
      singletonKey: p.notificationId,
      retryLimit: SEND_RETRY_LIMIT,
      retryDelay: SEND_RETRY_DELAY_SECONDS,
      retryBackoff: true,
    });
  });
}
