/**
 * reminder's tables through plain SQL on the messaging `Sql` interface, so the same code runs inside the
 * consumer's transaction or a job's. Timestamps travel as ISO strings and arrays as text so Prisma's raw
 * queries and pg behave the same.
 */
import type { Sql } from '@autoverify/messaging';
import type { CloseReason, Kind, ReminderStatus } from './domain/decisions.ts';

type Channel = 'email' | 'sms';

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export interface InviteRecord {
  tenantId: string;
  applicationId: string;
  applicantId: string;
  propertyId: string;
  kind: Kind;
  channels: Channel[];
  link: string;
  expiresAt: string;
  sentAt: string;
}

/**
 * Records an InviteSent. Returns the stored invite: its sentAt is the first invite's time, its channels
 * the union over every InviteSent, link and expiry those of the latest.
 */
export async function upsertInvite(sql: Sql, invite: InviteRecord): Promise<InviteRecord> {
  const [row] = await sql.query<Omit<InviteRecord, 'channels'> & { channels: string }>(
    `INSERT INTO invites AS i (applicant_id, kind, tenant_id, application_id, property_id, channels, link, expires_at, sent_at, last_sent_at)
     VALUES ($1::uuid, $2, $3, $4::uuid, $5, string_to_array($6, ','), $7, $8::timestamptz, $9::timestamptz, $9::timestamptz)
     ON CONFLICT (applicant_id, kind) DO UPDATE SET
       channels = ARRAY(SELECT DISTINCT c FROM unnest(i.channels || excluded.channels) AS c ORDER BY c),
       link = CASE WHEN excluded.last_sent_at >= i.last_sent_at THEN excluded.link ELSE i.link END,
       expires_at = CASE WHEN excluded.last_sent_at >= i.last_sent_at THEN excluded.expires_at ELSE i.expires_at END,
       sent_at = LEAST(i.sent_at, excluded.sent_at),
       last_sent_at = GREATEST(i.last_sent_at, excluded.last_sent_at),
       updated_at = now()
     RETURNING tenant_id AS "tenantId", application_id::text AS "applicationId", applicant_id::text AS "applicantId",
       property_id AS "propertyId", kind, array_to_string(channels, ',') AS channels, link,
       ${iso('expires_at')} AS "expiresAt", ${iso('sent_at')} AS "sentAt"`,
    [
      invite.applicantId,
      invite.kind,
      invite.tenantId,
      invite.applicationId,
      invite.propertyId,
      invite.channels.join(','),
      invite.link,
      invite.expiresAt,
      invite.sentAt,
    ],
  );
  if (!row) throw new Error('upsert of invite returned no row');
  return { ...row, channels: splitChannels(row.channels) };
}

const splitChannels = (text: string): Channel[] =>
  text.split(',').filter((c): c is Channel => c === 'email' || c === 'sms');

export interface ContactRecord {
  applicantId: string;
  kind: Kind;
  channel: Channel;
  recipient: string;
  recipientName: string;
  observedAt: string;
}

/** Stores where the invite went on one channel; an older request never overwrites a newer one. */
export async function upsertContact(sql: Sql, contact: ContactRecord): Promise<void> {
  await sql.query(
    `INSERT INTO contacts AS c (applicant_id, kind, channel, recipient, recipient_name, observed_at)
     VALUES ($1::uuid, $2, $3, $4, $5, $6::timestamptz)
     ON CONFLICT (applicant_id, kind, channel) DO UPDATE
       SET recipient = excluded.recipient, recipient_name = excluded.recipient_name, observed_at = excluded.observed_at
       WHERE excluded.observed_at >= c.observed_at`,
    [
      contact.applicantId,
      contact.kind,
      contact.channel,
      contact.recipient,
      contact.recipientName,
      contact.observedAt,
    ],
  );
}

export async function contactsOf(sql: Sql, applicantId: string, kind: Kind): Promise<ContactRecord[]> {
  return sql.query<ContactRecord>(
    `SELECT applicant_id::text AS "applicantId", kind, channel, recipient, recipient_name AS "recipientName",
       ${iso('observed_at')} AS "observedAt"
     FROM contacts WHERE applicant_id = $1::uuid AND kind = $2 ORDER BY channel`,
    [applicantId, kind],
  );
}

export interface ClosureRecord {
  applicantId: string;
  kind: Kind;
  reason: CloseReason;
  tenantId: string;
  applicationId: string;
  causeEventId: string;
}

/** Remembers that an applicant×kind needs no more reminders; the first reason recorded stays. */
export async function recordClosure(sql: Sql, closure: ClosureRecord): Promise<void> {
  await sql.query(
    `INSERT INTO closures (applicant_id, kind, reason, tenant_id, application_id, cause_event_id)
     VALUES ($1::uuid, $2, $3, $4, $5::uuid, $6::uuid) ON CONFLICT (applicant_id, kind) DO NOTHING`,
    [
      closure.applicantId,
      closure.kind,
      closure.reason,
      closure.tenantId,
      closure.applicationId,
      closure.causeEventId,
    ],
  );
}

export async function closureOf(sql: Sql, applicantId: string, kind: Kind): Promise<CloseReason | null> {
  const [row] = await sql.query<{ reason: CloseReason }>(
    'SELECT reason FROM closures WHERE applicant_id = $1::uuid AND kind = $2',
    [applicantId, kind],
  );
  return row?.reason ?? null;
}

export interface NewReminder {
  id: string;
  tenantId: string;
  applicationId: string;
  applicantId: string;
  kind: Kind;
  number: number;
  dueAt: string;
  shiftedForQuietHours: boolean;
}

/** True when the row is new; false when this reminder was planned before (a replay). */
export async function insertReminder(sql: Sql, r: NewReminder): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO reminders (id, tenant_id, application_id, applicant_id, kind, number, due_at, shifted_for_quiet_hours)
     VALUES ($1, $2, $3::uuid, $4::uuid, $5, $6, $7::timestamptz, $8)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [r.id, r.tenantId, r.applicationId, r.applicantId, r.kind, r.number, r.dueAt, r.shiftedForQuietHours],
  );
  return rows.length > 0;
}

export async function setReminderJob(sql: Sql, id: string, jobId: string | null): Promise<void> {
  await sql.query('UPDATE reminders SET job_id = $2, updated_at = now() WHERE id = $1', [id, jobId]);
}

/** Cancels every still-scheduled reminder of an applicant×kind; returns their ids and jobs. */
export async function cancelScheduled(
  sql: Sql,
  applicantId: string,
  kind: Kind,
  detail: string,
): Promise<{ id: string; jobId: string | null }[]> {
  return sql.query(
    `UPDATE reminders SET status = 'cancelled', detail = $3, updated_at = now()
     WHERE applicant_id = $1::uuid AND kind = $2 AND status = 'scheduled'
     RETURNING id, job_id AS "jobId"`,
    [applicantId, kind, detail],
  );
}

export interface DueReminder {
  id: string;
  tenantId: string;
  applicationId: string;
  applicantId: string;
  kind: Kind;
  number: number;
  status: ReminderStatus;
  dueAt: string;
  propertyId: string;
  channels: Channel[];
  link: string;
  expiresAt: string;
  closed: CloseReason | null;
}

/**
 * The reminder with its invite and closure, its row locked until the transaction ends: two runs of the
 * same job (a pg-boss retry racing a slow first run) are serialised, and the second sees the first's status.
 */
export async function lockReminder(sql: Sql, id: string): Promise<DueReminder | undefined> {
  const [row] = await sql.query<Omit<DueReminder, 'channels'> & { channels: string }>(
    `SELECT r.id, r.tenant_id AS "tenantId", r.application_id::text AS "applicationId", r.applicant_id::text AS "applicantId",
       r.kind, r.number, r.status, ${iso('r.due_at')} AS "dueAt", i.property_id AS "propertyId",
       array_to_string(i.channels, ',') AS channels, i.link, ${iso('i.expires_at')} AS "expiresAt", c.reason AS closed
     FROM reminders r
     JOIN invites i ON i.applicant_id = r.applicant_id AND i.kind = r.kind
     LEFT JOIN closures c ON c.applicant_id = r.applicant_id AND c.kind = r.kind
     WHERE r.id = $1
     FOR UPDATE OF r`,
    [id],
  );
  return row ? { ...row, channels: splitChannels(row.channels) } : undefined;
}

export async function finishReminder(
  sql: Sql,
  id: string,
  status: Exclude<ReminderStatus, 'scheduled'>,
  detail: string | null,
): Promise<void> {
  await sql.query(
    `UPDATE reminders SET status = $2, detail = $3, sent_at = CASE WHEN $2 = 'sent' THEN now() ELSE sent_at END, updated_at = now()
     WHERE id = $1`,
    [id, status, detail],
  );
}

/** Whether a later reminder of the same applicant×kind is still scheduled and already due at `now`. */
export async function laterReminderDue(
  sql: Sql,
  applicantId: string,
  kind: string,
  number: number,
  now: Date,
): Promise<boolean> {
  const rows = await sql.query<{ due: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM reminders
        WHERE applicant_id = $1 AND kind = $2 AND number > $3 AND status = 'scheduled' AND due_at <= $4::timestamptz
     ) AS due`,
    [applicantId, kind, number, now.toISOString()],
  );
  return rows[0]?.due === true;
}

export async function rescheduleReminder(sql: Sql, id: string, dueAt: string): Promise<void> {
  await sql.query(
    `UPDATE reminders SET due_at = $2::timestamptz, shifted_for_quiet_hours = true, updated_at = now() WHERE id = $1`,
    [id, dueAt],
  );
}
