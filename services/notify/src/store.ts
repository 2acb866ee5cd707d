/**
 * notify's tables through plain SQL on the messaging `Sql` interface, so the same code runs inside the
 * consumer's transaction, a job's transaction, or outside any.
 */
import type { Sql } from '@autoverify/messaging';
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
  expiresAt: string;
  reminderNumber: number | null;
  status: NotificationStatus;
  attempts: number;
  smsFrom: string | null;
  smsBody: string | null;
  sendingSince: string | null;
  providerMessageId: string | null;
}

// Timestamps are read as ISO strings so Prisma and pg callers see the same type.
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const COLUMNS = `notification_id AS "notificationId", tenant_id AS "tenantId", request_event_id::text AS "requestEventId",
  application_id::text AS "applicationId", applicant_id::text AS "applicantId", property_id AS "propertyId", purpose, kind,
  channel, recipient, recipient_name AS "recipientName", link, ${iso('expires_at')} AS "expiresAt", reminder_number AS "reminderNumber",
  status, attempts, sms_from AS "smsFrom", sms_body AS "smsBody", ${iso('sending_since')} AS "sendingSince",
  provider_message_id AS "providerMessageId"`;

export type NewNotification = Omit<
  NotificationRow,
  'status' | 'attempts' | 'smsFrom' | 'smsBody' | 'sendingSince' | 'providerMessageId'
>;

/** True when the row is new; false when this notification id was seen before (a repeat). */
export async function insertNotification(sql: Sql, n: NewNotification): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO notifications (notification_id, tenant_id, request_event_id, application_id, applicant_id, property_id,
       purpose, kind, channel, recipient, recipient_name, link, expires_at, reminder_number)
     VALUES ($1, $2, $3::uuid, $4::uuid, $5::uuid, $6, $7, $8, $9, $10, $11, $12, $13::timestamptz, $14)
     ON CONFLICT (notification_id) DO NOTHING
     RETURNING notification_id`,
    [
      n.notificationId,
      n.tenantId,
      n.requestEventId,
      n.applicationId,
      n.applicantId,
      n.propertyId,
      n.purpose,
      n.kind,
      n.channel,
      n.recipient,
      n.recipientName,
      n.link,
      n.expiresAt,
      n.reminderNumber,
    ],
  );
  return rows.length === 1;
}

export async function findNotification(
  sql: Sql,
  notificationId: string,
): Promise<NotificationRow | undefined> {
  const rows = await sql.query<NotificationRow>(
    `SELECT ${COLUMNS} FROM notifications WHERE notification_id = $1`,
    [notificationId],
  );
  return rows[0];
}

/**
 * Claims the row for one provider call: status 'sending', one more attempt. Committed before the call, so a
 * crash during it leaves evidence ('sending') that the next run must check before sending again.
 */
export async function claimNotification(
  sql: Sql,
  notificationId: string,
  sms: { from: string; body: string } | undefined,
): Promise<NotificationRow | undefined> {
  const rows = await sql.query<NotificationRow>(
    `UPDATE notifications SET status = 'sending', attempts = attempts + 1, sending_since = now(), updated_at = now(),
       sms_from = $2, sms_body = $3
     WHERE notification_id = $1 AND status IN ('pending', 'sending')
     RETURNING ${COLUMNS}`,
    [notificationId, sms?.from ?? null, sms?.body ?? null],
  );
  return rows[0];
}

/** Completes a claimed row; false when it was not (or no longer) in 'sending'. */
export async function markSent(
  sql: Sql,
  notificationId: string,
  providerMessageId: string,
): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE notifications SET status = 'sent', provider_message_id = $2, sent_at = now(), updated_at = now(),
       failure_reason = NULL, failure_detail = NULL
     WHERE notification_id = $1 AND status = 'sending'
     RETURNING notification_id`,
    [notificationId, providerMessageId],
  );
  return rows.length === 1;
}

/** Records a final failure; false when the row had already reached a final state. */
export async function markFailed(
  sql: Sql,
  notificationId: string,
  reason: FailureReason,
  detail: string,
): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE notifications SET status = 'failed', failure_reason = $2, failure_detail = $3, updated_at = now()
     WHERE notification_id = $1 AND status IN ('pending', 'sending')
     RETURNING notification_id`,
    [notificationId, reason, detail],
  );
  return rows.length === 1;
}

/** After a transient failure: the provider certainly did not take the message, so the claim is released. */
export async function releaseClaim(sql: Sql, notificationId: string, detail: string): Promise<void> {
  await sql.query(
    `UPDATE notifications SET status = 'pending', failure_detail = $2, updated_at = now()
     WHERE notification_id = $1 AND status = 'sending'`,
    [notificationId, detail],
  );
}

// ---- suppressions ------------------------------------------------------------------------------

export async function isSuppressed(
  sql: Sql,
  channel: Channel,
  address: string,
  scopes: string[],
): Promise<boolean> {
  const rows = await sql.query(
    'SELECT 1 FROM suppressions WHERE channel = $1 AND address = $2 AND scope = ANY($3::text[]) LIMIT 1',
    [channel, address, scopes],
  );
  return rows.length > 0;
}

export async function addSuppression(
  sql: Sql,
  s: { channel: Channel; scope: string; address: string; source: string },
): Promise<void> {
  await sql.query(
    `INSERT INTO suppressions (channel, scope, address, source) VALUES ($1, $2, $3, $4)
     ON CONFLICT (channel, scope, address) DO NOTHING`,
    [s.channel, s.scope, s.address, s.source],
  );
}

export async function removeSuppression(
  sql: Sql,
  s: { channel: Channel; scope: string; address: string },
): Promise<void> {
  await sql.query('DELETE FROM suppressions WHERE channel = $1 AND scope = $2 AND address = $3', [
    s.channel,
    s.scope,
    s.address,
  ]);
}

// ---- SMS webhooks ------------------------------------------------------------------------------

export async function recordInbound(
  sql: Sql,
  m: { messageSid: string; from: string; to: string; body: string; action: string },
): Promise<void> {
  await sql.query(
    `INSERT INTO inbound_messages (message_sid, from_number, to_number, body, action) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (message_sid) DO NOTHING`,
    [m.messageSid, m.from, m.to, m.body, m.action],
  );
}

/**
 * Serialises everything about one provider message id within a transaction: the status callback and the
 * job recording the send can race (the callback may arrive before our send transaction commits).
 */
export async function lockMessage(sql: Sql, messageSid: string): Promise<void> {
  // Selected through a subquery: pg_advisory_xact_lock returns void, a type Prisma cannot deserialise.
  await sql.query(
    "SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtextextended('notify-message:' || $1, 0))) AS l",
    [messageSid],
  );
}

export async function recordDeliveryCallback(
  sql: Sql,
  c: { messageSid: string; status: string; errorCode: string | undefined },
): Promise<void> {
  await sql.query(
    `INSERT INTO delivery_callbacks (message_sid, status, error_code) VALUES ($1, $2, $3)
     ON CONFLICT (message_sid, status) DO NOTHING`,
    [c.messageSid, c.status, c.errorCode ?? null],
  );
  await sql.query(
    `UPDATE notifications SET delivery_status = $2, updated_at = now()
     WHERE provider_message_id = $1 AND channel = 'sms'`,
    [c.messageSid, c.status],
  );
}

/** The failure callback received for a message (undelivered/failed), if any. */
export async function findDeliveryFailure(
  sql: Sql,
  messageSid: string,
): Promise<{ status: string; errorCode: string | null } | undefined> {
  const rows = await sql.query<{ status: string; errorCode: string | null }>(
    `SELECT status, error_code AS "errorCode" FROM delivery_callbacks
     WHERE message_sid = $1 AND status IN ('undelivered', 'failed') ORDER BY received_at LIMIT 1`,
    [messageSid],
  );
  return rows[0];
}

/**
 * A sent SMS the carrier did not deliver: 'sent' becomes 'failed' exactly once, however many callbacks
 * arrive. Returns the row when this call made the change.
 */
export async function markUndelivered(
  sql: Sql,
  messageSid: string,
  detail: string,
): Promise<NotificationRow | undefined> {
  const rows = await sql.query<NotificationRow>(
    `UPDATE notifications SET status = 'failed', failure_reason = 'undelivered', failure_detail = $2, updated_at = now()
     WHERE provider_message_id = $1 AND channel = 'sms' AND status = 'sent'
     RETURNING ${COLUMNS}`,
    [messageSid, detail],
  );
  return rows[0];
}
