/**
 * The final states of a notification and the event each publishes: the row and its outcome event commit
 * together or not at all. These run once or more per notification, so a 'sent' is one statement with its
 * event (ctx.db.changeWithEvents); the failures, rarer, run in the caller's transaction (ctx.db.transaction).
 */
import { NotificationFailed, NotificationSent } from '@autoverify/contracts';
import type { SqlTransaction } from '@autoverify/service-kit';
import type { FailureReason } from '../domain/types.ts';
import { countNotification } from '../metrics.ts';
import type { NotifyContext } from '../service.ts';
import {
  findDeliveryFailure,
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

/**
 * 'sending' -> 'sent' + NotificationSent, in one statement; then, for an SMS, a delivery failure reported before
 * that committed is applied (applyDeliveryFailure).
 */
export async function recordSent(
  ctx: Pick<NotifyContext, 'clock' | 'meter' | 'db'>,
  row: NotificationRow,
  providerMessageId: string,
): Promise<boolean> {
  const recorded = await ctx.db.changeWithEvents(
    markSent(row.notificationId, providerMessageId, ctx.clock.now()),
    NotificationSent,
    [{ ...identityOf(row), providerMessageId, attempts: Math.max(1, row.attempts) }],
    metaOf(row),
  );
  if (!recorded) return false;
  countNotification(ctx.meter, row.channel, 'sent');
  if (row.channel === 'sms') await applyDeliveryFailure(ctx, providerMessageId);
  return true;
}

/**
 * A failure callback and the send's record may come in either order, at the same time, without a lock: each
 * side commits its own write (the callback's row, the 'sent') before it reads the other's (here: the
 * callbacks; the webhook: the 'sent' row, in recordUndelivered). With READ COMMITTED, whichever reads last sees
 * the other's write, so at least one of them applies the failure, and markUndelivered makes it once. Also run
 * when a job finds its row already 'sent' (it may have died between its record and this).
 */
export async function applyDeliveryFailure(
  ctx: Pick<NotifyContext, 'clock' | 'meter' | 'db'>,
  messageSid: string,
): Promise<void> {
  const failure = await findDeliveryFailure(ctx.db.sql, messageSid);
  if (failure)
    await ctx.db.transaction((tx) =>
      recordUndelivered(ctx, tx, messageSid, failure.status, failure.errorCode ?? undefined),
    );
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

/**
 * The carrier did not deliver a sent SMS: NotificationFailed(undelivered) once per message (the row's 'sent'
 * is checked under its row lock). Call after the failure callback committed (see applyDeliveryFailure).
 */
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
