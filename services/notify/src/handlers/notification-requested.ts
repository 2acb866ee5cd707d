import { NotificationRequested } from '@autoverify/contracts';
import { type Handler, handle, PermanentError } from '@autoverify/messaging';
import type { SqlTransaction } from '@autoverify/service-kit';
import { sendNotification } from '../jobs.ts';
import type { NotifyContext } from '../service.ts';
import { insertNotification } from '../store.ts';

/**
 * Stores the request and enqueues its send job in the consumer's transaction. The notification id is the
 * requester's deterministic key: a redelivery, a replay (new event id) or a duplicate request finds the row
 * and does nothing, so one notification id gives at most one message.
 */
export function notificationRequestedHandler(ctx: NotifyContext): Handler<SqlTransaction> {
  return handle(NotificationRequested, async (event, tx: SqlTransaction, { logger }) => {
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
    const inserted = await insertNotification(tx.sql, {
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
    });
    if (!inserted) {
      logger.info({ notificationId: p.notificationId }, 'notification already requested: no new message');
      return;
    }
    await ctx.jobs.send(
      sendNotification,
      { notificationId: p.notificationId },
      { tx, key: p.notificationId },
    );
  });
}
