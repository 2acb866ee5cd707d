import { type EventOf, NotificationRequested } from '@autoverify/contracts';
import { type BatchItem, type Handler, handleBatched, PermanentError } from '@autoverify/messaging';
import type { SqlTransaction } from '@autoverify/service-kit';
import { injectTraceContext } from '@autoverify/telemetry';
import { sendNotification } from '../jobs.ts';
import type { NotifyContext } from '../service.ts';
import { insertNotifications, type NewNotification } from '../store.ts';

/**
 * Stores the requests and enqueues their send jobs in the consumer's transaction: the requests of one
 * transaction (an application's invitations come together) with one INSERT and their jobs with another. The
 * notification id is the requester's deterministic key: a redelivery, a replay (new event id) or a duplicate
 * request finds the row and does nothing, so one notification id gives at most one message. A request that
 * can never be stored fails the transaction; the consumer then handles its events one at a time, and only
 * that one is dead-lettered.
 */
export function notificationRequestedHandlers(ctx: NotifyContext): Handler<SqlTransaction>[] {
  return handleBatched(
    [NotificationRequested],
    async (items: readonly BatchItem<SqlTransaction>[], tx: SqlTransaction) => {
      const requests = items.map(({ event }) =>
        storedRequest(ctx, event as EventOf<typeof NotificationRequested>),
      );
      const inserted = await insertNotifications(tx.sql, requests);
      const runs = [];
      for (const [i, { notificationId }] of requests.entries()) {
        const item = items[i] as BatchItem<SqlTransaction>;
        if (!inserted.delete(notificationId)) {
          item.ctx.logger.info({ notificationId }, 'notification already requested: no new message');
          continue;
        }
        runs.push({
          data: { notificationId },
          key: notificationId,
          trace: item.ctx.inEventSpan(injectTraceContext),
        });
      }
      await ctx.jobs.sendMany(sendNotification, runs, { tx });
    },
  );
}

/** The row a request is stored as; a request that can never be sent is a PermanentError. */
function storedRequest(ctx: NotifyContext, event: EventOf<typeof NotificationRequested>): NewNotification {
  const p = event.payload;
  if (!/^https?:\/\//i.test(p.link)) {
    throw new PermanentError(`notification ${p.notificationId}: link must be an http(s) URL`);
  }
  try {
    ctx.tenants.property(event.tenantId, p.propertyId);
  } catch (error) {
    throw new PermanentError(`notification ${p.notificationId}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
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
    expiresAt: new Date(p.expiresAt),
    reminderNumber: p.reminderNumber ?? null,
  };
}
