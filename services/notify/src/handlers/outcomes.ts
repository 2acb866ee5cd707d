/**
 * The final states of a notification and the event each publishes, written in the caller's transaction
 * (ctx.db.transaction, plain pg: these run once or more per notification): the row and its outcome event
 * commit together or not at all.
 */
import { NotificationFailed, NotificationSent } from '@autoverify/contracts';
import type { SqlTransaction } from '@autoverify/service-kit';
import type { FailureReason } from '../domain/types.ts';
import { countNotification } from '../metrics.ts';
import type { NotifyContext } from '../service.ts';
import {
  findDeliveryFailure,
  lockMessage,
  markFailed,
  markSent,
  markUndelivered,
  type NotificationRow,
} from '../store.ts';

type OutcomeContext = Pick<NotifyContext, 'clock' | 'meter'>;

const metaOf = (row: NotificationRow) => ({
  tenantId: row.tenantId,
  correlationId: row.applicationId,
  causationId: row.requestEventId,
});

const identityOf = (row: NotificationRow) => ({
  notificationId: row.notificationId,
  applicationId: row.applicationId,
  applicantId: row.applicantId,
  purpose: row.purpose,
  kind: row.kind,
  channel: row.channel,
});

/** 'sending' -> 'sent' + NotificationSent; a delivery failure reported before this commit is applied too. */
export async function recordSent(
  ctx: OutcomeContext,
  tx: SqlTransaction,
  row: NotificationRow,
  providerMessageId: string,
): Promise<boolean> {
  if (row.channel === 'sms') await lockMessage(tx.sql, providerMessageId);
  if (!(await markSent(tx.sql, row.notificationId, providerMessageId, ctx.clock.now()))) return false;
  await tx.outbox.add(
    NotificationSent,
    { ...identityOf(row), providerMessageId, attempts: Math.max(1, row.attempts) },
    metaOf(row),
  );
  countNotification(ctx.meter, row.channel, 'sent');
  if (row.channel === 'sms') {
    const failure = await findDeliveryFailure(tx.sql, providerMessageId);
    if (failure)
      await recordUndelivered(ctx, tx, providerMessageId, failure.status, failure.errorCode ?? undefined);
  }
  return true;
}

/** A final failure + NotificationFailed, once: false when the row was already final. */
export async function recordFailed(
  ctx: OutcomeContext,
  tx: SqlTransaction,
  row: NotificationRow,
  reason: FailureReason,
  detail: string,
): Promise<boolean> {
  if (!(await markFailed(tx.sql, row.notificationId, reason, detail))) return false;
  await tx.outbox.add(
    NotificationFailed,
    // Exhausted retries had transient causes: a later, new request may well succeed.
    { ...identityOf(row), reason, detail, permanent: reason !== 'retries_exhausted' },
    metaOf(row),
  );
  countNotification(ctx.meter, row.channel, `failed_${reason}`);
  return true;
}

/** The carrier did not deliver a sent SMS: NotificationFailed(undelivered) once per message. Call under lockMessage. */
export async function recordUndelivered(
  ctx: OutcomeContext,
  tx: SqlTransaction,
  messageSid: string,
  status: string,
  errorCode: string | undefined,
): Promise<boolean> {
  const detail = `carrier reported ${status}${errorCode ? ` (error ${errorCode})` : ''}`;
  const row = await markUndelivered(tx.sql, messageSid, detail);
  if (!row) return false;
  await tx.outbox.add(
    NotificationFailed,
    { ...identityOf(row), reason: 'undelivered', detail, permanent: true },
    metaOf(row),
  );
  countNotification(ctx.meter, row.channel, 'undelivered');
  return true;
}
