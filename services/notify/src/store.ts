/**
 * notify's database access. Everything per notification is plain pg (docs/architecture.md "Data access
 * rules": about half of notify's CPU was database access through Prisma): the consumer's insert and the
 * erasure run in the consumer's SqlTransaction (service.ts: `consumerTransactions: 'sql'`); the send job's
 * statements (read, claim, release), the outcomes, and the opt-outs and provider webhooks written beside them
 * take a Statement, ctx.db.sql for one statement on its own or the `sql` of a ctx.db.transaction; the change
 * of a `sent` is handed to ctx.db.changeWithEvents with its event (markSent). Only retention, a daily batch,
 * stays on Prisma's model API and takes its `tx`.
 */
import type { SqlText } from '@autoverify/messaging';
import { type Statement, sqlText } from '@autoverify/service-kit';
import type { Tx } from './db.ts';
import type { Channel, FailureReason, Purpose, VerificationKind } from './domain/types.ts';

export type NotificationStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface NotificationRow {
  notificationId: string;
  tenantId: string;
  requestEventId: string;
  applicationId: string;
  applicantId: string;
  propertyId: string;
  purpose: Purpose;
  kind: VerificationKind;
  channel: Channel;
  recipient: string;
  recipientName: string;
  link: string;
  expiresAt: Date;
  reminderNumber: number | null;
  status: NotificationStatus;
  attempts: number;
  smsFrom: string | null;
  smsBody: string | null;
  sendingSince: Date | null;
  providerMessageId: string | null;
}

export type NewNotification = Omit<
  NotificationRow,
  'status' | 'attempts' | 'smsFrom' | 'smsBody' | 'sendingSince' | 'providerMessageId'
>;

/**
 * Stores the requests with one statement, in order; resolves with the ids stored now. An id seen before (a
 * repeat, or a later request of the same id in this list) is left as it was.
 */
export async function insertNotifications(
  sql: Statement,
  requests: readonly NewNotification[],
): Promise<Set<string>> {
  // SQL: the consumer's write of a transaction's requests, one multi-row INSERT (docs/architecture.md).
  const column = <K extends keyof NewNotification>(key: K) => requests.map((n) => n[key]);
  const rows = await sql<{ notification_id: string }>`
    INSERT INTO notifications (notification_id, tenant_id, request_event_id, application_id, applicant_id,
                               property_id, purpose, kind, channel, recipient, recipient_name, link, expires_at,
                               reminder_number)
    SELECT * FROM unnest(${column('notificationId')}::text[], ${column('tenantId')}::text[],
                         ${column('requestEventId')}::uuid[], ${column('applicationId')}::uuid[],
                         ${column('applicantId')}::uuid[], ${column('propertyId')}::text[], ${column('purpose')}::text[],
                         ${column('kind')}::text[], ${column('channel')}::text[], ${column('recipient')}::text[],
                         ${column('recipientName')}::text[], ${column('link')}::text[],
                         ${column('expiresAt')}::timestamptz[], ${column('reminderNumber')}::int[])
    ON CONFLICT DO NOTHING
    RETURNING notification_id`;
  return new Set(rows.map((row) => row.notification_id));
}

/** The columns of `notifications` that NotificationRow carries, as plain SQL (`SELECT *`, `RETURNING *`) reads them. */
interface NotificationColumns {
  notification_id: string;
  tenant_id: string;
  request_event_id: string;
  application_id: string;
  applicant_id: string;
  property_id: string;
  purpose: string;
  kind: string;
  channel: string;
  recipient: string;
  recipient_name: string;
  link: string;
  expires_at: Date;
  reminder_number: number | null;
  status: string;
  attempts: number;
  sms_from: string | null;
  sms_body: string | null;
  sending_since: Date | null;
  provider_message_id: string | null;
}

const rowOfColumns = (n: NotificationColumns): NotificationRow => ({
  notificationId: n.notification_id,
  tenantId: n.tenant_id,
  requestEventId: n.request_event_id,
  applicationId: n.application_id,
  applicantId: n.applicant_id,
  propertyId: n.property_id,
  purpose: n.purpose as Purpose,
  kind: n.kind as VerificationKind,
  channel: n.channel as Channel,
  recipient: n.recipient,
  recipientName: n.recipient_name,
  link: n.link,
  expiresAt: n.expires_at,
  reminderNumber: n.reminder_number,
  status: n.status as NotificationStatus,
  attempts: n.attempts,
  smsFrom: n.sms_from,
  smsBody: n.sms_body,
  sendingSince: n.sending_since,
  providerMessageId: n.provider_message_id,
});

/** One read, outside any transaction, on ctx.db.sql: the send job's first statement for every notification. */
export async function findNotification(
  sql: Statement,
  notificationId: string,
): Promise<NotificationRow | undefined> {
  // SQL: the send job's per-notification read, off Prisma's per-query CPU (docs/architecture.md).
  const [row] =
    await sql<NotificationColumns>`SELECT * FROM notifications WHERE notification_id = ${notificationId}`;
  return row ? rowOfColumns(row) : undefined;
}

/** An opt-out to check at the claim: the recipient's address as compared (normaliseAddress) and its scopes. */
export interface SuppressionCheck {
  address: string;
  scopes: string[];
}

/** suppressed: an opt-out covers the recipient, nothing was claimed; claimed: undefined when another run got there first. */
export type ClaimResult = { suppressed: true } | { suppressed: false; claimed: NotificationRow | undefined };

/**
 * Claims the row as read (`status`, `attempts`) for one provider call, unless an opt-out covers its recipient:
 * status 'sending', one more attempt. Committed before the call, so a crash during it leaves evidence
 * ('sending') that the next run must check before sending again. Exclusive: of two runs that read the same
 * state, only the first to claim gets the row (the other's UPDATE re-checks the row after the first's and
 * finds another attempt count). One statement, atomic by itself (the opt-out check and the conditional
 * UPDATE together), so it runs on ctx.db.sql, outside a transaction.
 */
export async function claimNotification(
  sql: Statement,
  row: Pick<NotificationRow, 'notificationId' | 'channel' | 'status' | 'attempts'>,
  suppression: SuppressionCheck,
  sms: { from: string; body: string } | undefined,
  now: Date,
): Promise<ClaimResult> {
  // SQL: the send job's per-notification claim with its opt-out check, one round trip off Prisma
  // (docs/architecture.md). updated_at by hand: @updatedAt is Prisma's.
  const [result] = await sql<{ suppressed: boolean } & Partial<NotificationColumns>>`
    WITH opted_out AS (
      SELECT EXISTS (
        SELECT 1 FROM suppressions
         WHERE channel = ${row.channel} AND address = ${suppression.address} AND scope = ANY(${suppression.scopes}::text[])
      ) AS yes
    ), claimed AS (
      UPDATE notifications
         SET status = 'sending', attempts = attempts + 1, sending_since = ${now}::timestamptz,
             sms_from = ${sms?.from ?? null}, sms_body = ${sms?.body ?? null}, updated_at = now()
       WHERE notification_id = ${row.notificationId} AND status = ${row.status} AND attempts = ${row.attempts}::int
         AND NOT (SELECT yes FROM opted_out)
      RETURNING *
    )
    SELECT opted_out.yes AS suppressed, claimed.* FROM opted_out LEFT JOIN claimed ON true`;
  if (result?.suppressed) return { suppressed: true };
  return {
    suppressed: false,
    claimed: result?.notification_id ? rowOfColumns(result as NotificationColumns) : undefined,
  };
}

/** The change that completes a claimed row (for ctx.db.changeWithEvents): no row when it was not (or no longer) in 'sending'. */
export function markSent(notificationId: string, providerMessageId: string, now: Date): SqlText {
  // SQL: an outcome statement of every notification, one statement with its event (docs/architecture.md).
  // updated_at by hand: @updatedAt is Prisma's.
  return sqlText`
    UPDATE notifications
       SET status = 'sent', provider_message_id = ${providerMessageId}, sent_at = ${now}::timestamptz,
           failure_reason = NULL, failure_detail = NULL, updated_at = now()
     WHERE notification_id = ${notificationId} AND status = 'sending'
    RETURNING 1`;
}

/** Records a final failure; false when the row had already reached a final state. */
export async function markFailed(
  sql: Statement,
  notificationId: string,
  reason: FailureReason,
  detail: string,
): Promise<boolean> {
  // SQL: an outcome statement, beside markSent (docs/architecture.md).
  const rows = await sql`
    UPDATE notifications
       SET status = 'failed', failure_reason = ${reason}, failure_detail = ${detail}, updated_at = now()
     WHERE notification_id = ${notificationId} AND status IN ('pending', 'sending')
    RETURNING 1`;
  return rows.length === 1;
}

/**
 * After a transient failure: the provider certainly did not take the message, so the claim is released.
 * One statement, atomic by itself: on ctx.db.sql, as the claim.
 */
export async function releaseClaim(sql: Statement, notificationId: string, detail: string): Promise<void> {
  // SQL: the claim's counterpart on the same path (docs/architecture.md). updated_at by hand, as there.
  await sql`
    UPDATE notifications SET status = 'pending', failure_detail = ${detail}, updated_at = now()
     WHERE notification_id = ${notificationId} AND status = 'sending'`;
}

// ---- suppressions ------------------------------------------------------------------------------

// The opt-out list and the provider's webhooks are written beside the outcomes (failing an opted-out
// notification adds its opt-out; a status callback fails an undelivered SMS), in the same plain-pg
// transactions: one SMS status callback per message sent makes them per-notification statements too.

export async function addSuppression(
  sql: Statement,
  suppression: { channel: Channel; scope: string; address: string; source: string },
): Promise<void> {
  // SQL: written in the outcomes' plain-pg transactions (docs/architecture.md).
  await sql`
    INSERT INTO suppressions (channel, scope, address, source)
    VALUES (${suppression.channel}, ${suppression.scope}, ${suppression.address}, ${suppression.source})
    ON CONFLICT DO NOTHING`;
}

export async function removeSuppression(
  sql: Statement,
  suppression: { channel: Channel; scope: string; address: string },
): Promise<void> {
  // SQL: beside addSuppression.
  await sql`
    DELETE FROM suppressions
     WHERE channel = ${suppression.channel} AND scope = ${suppression.scope} AND address = ${suppression.address}`;
}

// ---- SMS webhooks ------------------------------------------------------------------------------

/** Records an inbound SMS; false when this MessageSid was recorded before (a retried or replayed webhook). */
export async function recordInbound(
  sql: Statement,
  m: { messageSid: string; from: string; to: string; body: string; action: string },
): Promise<boolean> {
  // SQL: in the same plain-pg transaction as the opt-out it changes.
  const rows = await sql`
    INSERT INTO inbound_messages (message_sid, from_number, to_number, body, action)
    VALUES (${m.messageSid}, ${m.from}, ${m.to}, ${m.body}, ${m.action})
    ON CONFLICT DO NOTHING
    RETURNING 1`;
  return rows.length === 1;
}

/**
 * Keeps the callback, also when it arrives before the send is recorded; committed on its own, before a
 * failure is applied (see applyDeliveryFailure). A message's latest status is its newest callback.
 */
export async function recordDeliveryCallback(
  sql: Statement,
  c: { messageSid: string; status: string; errorCode: string | undefined },
): Promise<void> {
  // SQL: one statement per callback, three callbacks per SMS sent.
  await sql`
    INSERT INTO delivery_callbacks (message_sid, status, error_code)
    VALUES (${c.messageSid}, ${c.status}, ${c.errorCode ?? null})
    ON CONFLICT DO NOTHING`;
}

/** The failure callback received for a message (undelivered/failed), if any. */
export async function findDeliveryFailure(
  sql: Statement,
  messageSid: string,
): Promise<{ status: string; errorCode: string | null } | undefined> {
  // SQL: read after the send's record committed (applyDeliveryFailure).
  const [found] = await sql<{ status: string; errorCode: string | null }>`
    SELECT status, error_code AS "errorCode" FROM delivery_callbacks
     WHERE message_sid = ${messageSid} AND status IN ('undelivered', 'failed')
     ORDER BY received_at LIMIT 1`;
  return found;
}

/**
 * A sent SMS the carrier did not deliver: 'sent' becomes 'failed' exactly once, however many callbacks
 * arrive. Returns the row when this call made the change.
 */
export async function markUndelivered(
  sql: Statement,
  messageSid: string,
  detail: string,
): Promise<NotificationRow | undefined> {
  // SQL: an outcome statement, beside markSent.
  const [row] = await sql<NotificationColumns>`
    UPDATE notifications
       SET status = 'failed', failure_reason = 'undelivered', failure_detail = ${detail}, updated_at = now()
     WHERE provider_message_id = ${messageSid} AND channel = 'sms' AND status = 'sent'
    RETURNING *`;
  return row ? rowOfColumns(row) : undefined;
}

/**
 * Erasure of one applicant: their notifications (address, name, link, SMS text), the provider callbacks of
 * those messages, the SMS they sent us, and the opt-outs of their addresses (the person asked to be
 * forgotten; docs/security.md "Erasure").
 */
export async function eraseApplicant(sql: Statement, applicantId: string) {
  // SQL: in the consumer's transaction (service.ts); the counts come back in one round trip.
  const [counts] = await sql<{
    notifications: number;
    delivery_callbacks: number;
    inbound_messages: number;
    suppressions: number;
  }>`
    WITH own AS (
      SELECT recipient, provider_message_id FROM notifications WHERE applicant_id = ${applicantId}::uuid
    ), addresses AS (
      SELECT recipient AS address FROM own UNION SELECT lower(recipient) FROM own
    ), callbacks AS (
      DELETE FROM delivery_callbacks WHERE message_sid IN (SELECT provider_message_id FROM own) RETURNING 1
    ), inbound AS (
      DELETE FROM inbound_messages WHERE from_number IN (SELECT address FROM addresses) RETURNING 1
    ), suppressed AS (
      DELETE FROM suppressions WHERE address IN (SELECT address FROM addresses) RETURNING 1
    ), notifications AS (
      DELETE FROM notifications WHERE applicant_id = ${applicantId}::uuid RETURNING 1
    )
    SELECT (SELECT count(*) FROM notifications)::int AS notifications,
           (SELECT count(*) FROM callbacks)::int AS delivery_callbacks,
           (SELECT count(*) FROM inbound)::int AS inbound_messages,
           (SELECT count(*) FROM suppressed)::int AS suppressions`;
  return counts ?? { notifications: 0, delivery_callbacks: 0, inbound_messages: 0, suppressions: 0 };
}

/**
 * Retention: notifications in a final state (sent, failed) unchanged since `cutoff`, with their callbacks;
 * inbound SMS received before it. Opt-outs are kept: they must be honoured as long as we may send.
 */
export async function purgeExpired(tx: Tx, cutoff: Date, limit: number) {
  const old = await tx.notification.findMany({
    where: { status: { in: ['sent', 'failed'] }, updatedAt: { lt: cutoff } },
    select: { notificationId: true, providerMessageId: true },
    take: limit,
  });
  const sids = old.flatMap((r) => (r.providerMessageId ? [r.providerMessageId] : []));
  const callbacks = await tx.deliveryCallback.deleteMany({ where: { messageSid: { in: sids } } });
  const notifications = await tx.notification.deleteMany({
    where: { notificationId: { in: old.map((r) => r.notificationId) } },
  });
  const inbound = await tx.inboundMessage.deleteMany({
    where: { messageSid: { in: await oldInbound(tx, cutoff, limit) } },
  });
  return {
    notifications: notifications.count,
    delivery_callbacks: callbacks.count,
    inbound_messages: inbound.count,
  };
}

const oldInbound = async (tx: Tx, cutoff: Date, limit: number) =>
  (
    await tx.inboundMessage.findMany({
      where: { receivedAt: { lt: cutoff } },
      select: { messageSid: true },
      take: limit,
    })
  ).map((r) => r.messageSid);
