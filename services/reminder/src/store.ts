/**
 * reminder's database access. Everything per event and per reminder is plain pg (docs/architecture.md "Data
 * access rules"): the consumer's handlers and the erasure run in the consumer's SqlTransaction (service.ts:
 * `consumerTransactions: 'sql'`), and the send-reminder job and the queuer tick, which share the handlers'
 * statements (queueing a job, cancelling), in a ctx.db.transaction; such a function takes a Statement, the
 * `sql` of either. Only the pending gauge's count and retention, a daily batch, stay on Prisma's model API
 * and take its `tx`.
 */
import type { Statement } from '@autoverify/service-kit';
import type { Tx } from './db.ts';
import type { CloseReason, Kind, ReminderStatus } from './domain/decisions.ts';

type Channel = 'email' | 'sms';

const channelsOf = (values: readonly string[]): Channel[] =>
  values.filter((c): c is Channel => c === 'email' || c === 'sms');

export interface InviteRecord {
  tenantId: string;
  applicationId: string;
  applicantId: string;
  propertyId: string;
  kind: Kind;
  channels: Channel[];
  link: string;
  expiresAt: Date;
  sentAt: Date;
}

/** The columns of `invites` that InviteRecord carries, as plain SQL (`RETURNING *`) reads them. */
interface InviteColumns {
  tenant_id: string;
  application_id: string;
  applicant_id: string;
  property_id: string;
  kind: string;
  channels: string[];
  link: string;
  expires_at: Date;
  sent_at: Date;
}

const inviteOfColumns = (i: InviteColumns): InviteRecord => ({
  tenantId: i.tenant_id,
  applicationId: i.application_id,
  applicantId: i.applicant_id,
  propertyId: i.property_id,
  kind: i.kind as Kind,
  channels: channelsOf(i.channels),
  link: i.link,
  expiresAt: i.expires_at,
  sentAt: i.sent_at,
});

/** An invite's key: one row per applicant and kind. */
export const inviteKey = (invite: { applicantId: string; kind: Kind }): string =>
  `${invite.applicantId}\u0000${invite.kind}`;

/**
 * Records InviteSent with one statement; returns the stored invites by inviteKey. An invite's sentAt is its
 * first InviteSent's time, its channels the union over all of them, link and expiry those of the latest:
 * the same as one upsert per invite in their order, merged here first because ON CONFLICT DO UPDATE may
 * touch a row once per statement.
 */
export async function upsertInvites(
  sql: Statement,
  invites: readonly InviteRecord[],
): Promise<Map<string, InviteRecord>> {
  const merged = new Map<string, InviteRecord & { lastSentAt: Date }>();
  for (const invite of invites) {
    const key = inviteKey(invite);
    const kept = merged.get(key);
    const latest = !kept || invite.sentAt >= kept.lastSentAt ? invite : kept;
    merged.set(
      key,
      kept
        ? {
            ...latest,
            channels: [...new Set([...kept.channels, ...invite.channels])],
            sentAt: new Date(Math.min(invite.sentAt.getTime(), kept.sentAt.getTime())),
            lastSentAt: latest === invite ? invite.sentAt : kept.lastSentAt,
          }
        : { ...invite, lastSentAt: invite.sentAt },
    );
  }
  const rows = [...merged.values()];
  if (rows.length === 0) return new Map();
  const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((i) => i[key]);
  // SQL: the consumer's write (docs/architecture.md); one set-based upsert whose update merges arrays and
  // compares with the stored row. Channels travel as one comma-joined text per row: unnest cannot take an
  // array of arrays of different lengths.
  const stored = await sql<InviteColumns>`
    INSERT INTO invites AS i (applicant_id, kind, tenant_id, application_id, property_id, channels, link, expires_at, sent_at, last_sent_at)
    SELECT applicant_id, kind, tenant_id, application_id, property_id, string_to_array(channels, ','), link,
           expires_at, sent_at, last_sent_at
      FROM unnest(${column('applicantId')}::uuid[], ${column('kind')}::text[], ${column('tenantId')}::text[],
                  ${column('applicationId')}::uuid[], ${column('propertyId')}::text[],
                  ${rows.map((i) => i.channels.join(','))}::text[], ${column('link')}::text[],
                  ${column('expiresAt')}::timestamptz[], ${column('sentAt')}::timestamptz[],
                  ${column('lastSentAt')}::timestamptz[])
           AS n(applicant_id, kind, tenant_id, application_id, property_id, channels, link, expires_at, sent_at, last_sent_at)
    ON CONFLICT (applicant_id, kind) DO UPDATE SET
      channels = ARRAY(SELECT DISTINCT c FROM unnest(i.channels || excluded.channels) AS c ORDER BY c),
      link = CASE WHEN excluded.last_sent_at >= i.last_sent_at THEN excluded.link ELSE i.link END,
      expires_at = CASE WHEN excluded.last_sent_at >= i.last_sent_at THEN excluded.expires_at ELSE i.expires_at END,
      sent_at = LEAST(i.sent_at, excluded.sent_at),
      last_sent_at = GREATEST(i.last_sent_at, excluded.last_sent_at),
      updated_at = now()
    RETURNING *`;
  return new Map(stored.map((row) => [inviteKey(inviteOfColumns(row)), inviteOfColumns(row)]));
}

export interface ContactRecord {
  applicantId: string;
  kind: Kind;
  channel: Channel;
  recipient: string;
  recipientName: string;
  observedAt: Date;
}

/**
 * Stores where invites went, with one statement; an older request never overwrites a newer one. The same as
 * one upsert per contact in their order: of one applicant's, kind's and channel's, the newest (the last of
 * equally new ones) is written.
 */
export async function upsertContacts(sql: Statement, contacts: readonly ContactRecord[]): Promise<void> {
  // ON CONFLICT DO UPDATE may touch a row once per statement: one contact per key.
  const byKey = new Map<string, ContactRecord>();
  for (const contact of contacts) {
    const key = `${contact.applicantId}\u0000${contact.kind}\u0000${contact.channel}`;
    const kept = byKey.get(key);
    if (!kept || contact.observedAt >= kept.observedAt) byKey.set(key, contact);
  }
  const rows = [...byKey.values()];
  if (rows.length === 0) return;
  const column = <K extends keyof ContactRecord>(key: K) => rows.map((c) => c[key]);
  // SQL: the consumer's write (docs/architecture.md); a set-based upsert whose update is conditional on the stored row.
  await sql`
    INSERT INTO contacts AS c (applicant_id, kind, channel, recipient, recipient_name, observed_at)
    SELECT * FROM unnest(${column('applicantId')}::uuid[], ${column('kind')}::text[], ${column('channel')}::text[],
                         ${column('recipient')}::text[], ${column('recipientName')}::text[],
                         ${column('observedAt')}::timestamptz[])
    ON CONFLICT (applicant_id, kind, channel) DO UPDATE
      SET recipient = excluded.recipient, recipient_name = excluded.recipient_name, observed_at = excluded.observed_at
      WHERE excluded.observed_at >= c.observed_at`;
}

export async function contactsOf(sql: Statement, applicantId: string, kind: Kind): Promise<ContactRecord[]> {
  // SQL: the send-reminder job's read, in its transaction.
  const rows = await sql<{
    applicant_id: string;
    kind: string;
    channel: string;
    recipient: string;
    recipient_name: string;
    observed_at: Date;
  }>`
    SELECT applicant_id, kind, channel, recipient, recipient_name, observed_at FROM contacts
    WHERE applicant_id = ${applicantId}::uuid AND kind = ${kind}
    ORDER BY channel`;
  return rows.map((r) => ({
    applicantId: r.applicant_id,
    kind: r.kind as Kind,
    channel: r.channel as Channel,
    recipient: r.recipient,
    recipientName: r.recipient_name,
    observedAt: r.observed_at,
  }));
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
export async function recordClosure(sql: Statement, closure: ClosureRecord): Promise<void> {
  // SQL: the consumer's write (docs/architecture.md).
  await sql`
    INSERT INTO closures (applicant_id, kind, reason, tenant_id, application_id, cause_event_id)
    VALUES (${closure.applicantId}::uuid, ${closure.kind}, ${closure.reason}, ${closure.tenantId},
      ${closure.applicationId}::uuid, ${closure.causeEventId}::uuid)
    ON CONFLICT DO NOTHING`;
}

/** The closures of these invites, by inviteKey: an invite without one is not in the map. */
export async function closuresOf(
  sql: Statement,
  invites: readonly { applicantId: string; kind: Kind }[],
): Promise<Map<string, CloseReason>> {
  if (invites.length === 0) return new Map();
  // SQL: the consumer's read (docs/architecture.md), one for a transaction's invites.
  const rows = await sql<{ applicant_id: string; kind: string; reason: string }>`
    SELECT c.applicant_id, c.kind, c.reason
      FROM closures c
      JOIN unnest(${invites.map((i) => i.applicantId)}::uuid[], ${invites.map((i) => i.kind)}::text[]) AS k(applicant_id, kind)
        ON c.applicant_id = k.applicant_id AND c.kind = k.kind`;
  return new Map(
    rows.map((r) => [
      inviteKey({ applicantId: r.applicant_id, kind: r.kind as Kind }),
      r.reason as CloseReason,
    ]),
  );
}

export interface NewReminder {
  id: string;
  tenantId: string;
  applicationId: string;
  applicantId: string;
  kind: Kind;
  number: number;
  dueAt: Date;
  shiftedForQuietHours: boolean;
}

/** Inserts the reminders in one statement; returns the ids of the new ones (a replay's are planned already). */
export async function insertReminders(sql: Statement, reminders: NewReminder[]): Promise<Set<string>> {
  if (reminders.length === 0) return new Set();
  // SQL: the consumer's write (docs/architecture.md); one row per element of the parallel arrays.
  const rows = await sql<{ id: string }>`
    INSERT INTO reminders (id, tenant_id, application_id, applicant_id, kind, number, due_at, shifted_for_quiet_hours)
    SELECT * FROM unnest(${reminders.map((r) => r.id)}::text[], ${reminders.map((r) => r.tenantId)}::text[],
      ${reminders.map((r) => r.applicationId)}::uuid[], ${reminders.map((r) => r.applicantId)}::uuid[],
      ${reminders.map((r) => r.kind)}::text[], ${reminders.map((r) => r.number)}::int[],
      ${reminders.map((r) => r.dueAt)}::timestamptz[], ${reminders.map((r) => r.shiftedForQuietHours)}::boolean[])
    ON CONFLICT DO NOTHING
    RETURNING id`;
  return new Set(rows.map((r) => r.id));
}

export async function setReminderJob(sql: Statement, id: string, jobId: string | null): Promise<void> {
  // SQL: with the job it names, in the consumer's, the send job's or the tick's transaction.
  await sql`UPDATE reminders SET job_id = ${jobId}, updated_at = now() WHERE id = ${id}`;
}

/**
 * Scheduled reminders without a job, due within `aheadMs` of the database's clock (the job queue's), earliest
 * first, locked until the transaction ends. SKIP LOCKED: a tick in another process takes the others, and
 * a row whose job was queued meanwhile no longer matches once locked.
 */
export async function lockAwaitingJob(
  sql: Statement,
  aheadMs: number,
  limit: number,
): Promise<{ id: string; dueAt: Date }[]> {
  // SQL: row locks; the WHERE matches the partial index reminders_awaiting_job_due_at_idx.
  const rows = await sql<{ id: string; due_at: Date }>`
    SELECT id, due_at FROM reminders
    WHERE status = 'scheduled' AND job_id IS NULL
      AND due_at <= now() + make_interval(secs => ${aheadMs / 1000}::float8)
    ORDER BY due_at LIMIT ${limit}::int FOR UPDATE SKIP LOCKED`;
  return rows.map((r) => ({ id: r.id, dueAt: r.due_at }));
}

/** Cancels every still-scheduled reminder of an applicant×kind; returns their ids and jobs. */
export async function cancelScheduled(
  sql: Statement,
  applicantId: string,
  kind: Kind,
  detail: string,
): Promise<{ id: string; jobId: string | null }[]> {
  // SQL: in the consumer's transaction (close-reminders.ts) and the send job's.
  const rows = await sql<{ id: string; job_id: string | null }>`
    UPDATE reminders SET status = 'cancelled', detail = ${detail}, updated_at = now()
    WHERE applicant_id = ${applicantId}::uuid AND kind = ${kind} AND status = 'scheduled'
    RETURNING id, job_id`;
  return rows.map((r) => ({ id: r.id, jobId: r.job_id }));
}

export interface DueReminder {
  id: string;
  tenantId: string;
  applicationId: string;
  applicantId: string;
  kind: Kind;
  number: number;
  status: ReminderStatus;
  dueAt: Date;
  propertyId: string;
  channels: Channel[];
  link: string;
  expiresAt: Date;
  closed: CloseReason | null;
}

/**
 * The reminder with its invite and closure, its row locked until the transaction ends: two runs of the
 * same job (a pg-boss retry racing a slow first run) are serialised, and the second sees the first's status.
 */
export async function lockReminder(sql: Statement, id: string): Promise<DueReminder | undefined> {
  // SQL: the send job's transaction; row lock (FOR UPDATE). The invite and closure are read by a second
  // statement, after the lock is held, so they are as fresh as the reminder.
  const [reminder] = await sql<{
    id: string;
    tenant_id: string;
    application_id: string;
    applicant_id: string;
    kind: string;
    number: number;
    status: string;
    due_at: Date;
  }>`
    SELECT id, tenant_id, application_id, applicant_id, kind, number, status, due_at FROM reminders
    WHERE id = ${id} FOR UPDATE`;
  if (!reminder) return undefined;
  const [invite] = await sql<{
    property_id: string;
    channels: string[];
    link: string;
    expires_at: Date;
    reason: string | null;
  }>`
    SELECT i.property_id, i.channels, i.link, i.expires_at, c.reason FROM invites i
    LEFT JOIN closures c ON c.applicant_id = i.applicant_id AND c.kind = i.kind
    WHERE i.applicant_id = ${reminder.applicant_id}::uuid AND i.kind = ${reminder.kind}`;
  if (!invite) return undefined;
  return {
    id: reminder.id,
    tenantId: reminder.tenant_id,
    applicationId: reminder.application_id,
    applicantId: reminder.applicant_id,
    kind: reminder.kind as Kind,
    number: reminder.number,
    status: reminder.status as ReminderStatus,
    dueAt: reminder.due_at,
    propertyId: invite.property_id,
    channels: channelsOf(invite.channels),
    link: invite.link,
    expiresAt: invite.expires_at,
    closed: (invite.reason as CloseReason | null) ?? null,
  };
}

export async function finishReminder(
  sql: Statement,
  id: string,
  status: Exclude<ReminderStatus, 'scheduled'>,
  detail: string | null,
): Promise<void> {
  // SQL: the send job's transaction. sent_at is set only when sending, else kept.
  const sentAt = status === 'sent' ? new Date() : null;
  await sql`
    UPDATE reminders SET status = ${status}, detail = ${detail}, sent_at = coalesce(${sentAt}::timestamptz, sent_at),
      updated_at = now()
    WHERE id = ${id}`;
}

/** Whether a later reminder of the same applicant×kind is still scheduled and already due at `now`. */
export async function laterReminderDue(
  sql: Statement,
  applicantId: string,
  kind: Kind,
  number: number,
  now: Date,
): Promise<boolean> {
  // SQL: the send job's transaction.
  const [row] = await sql<{ due: boolean }>`
    SELECT EXISTS (
      SELECT 1 FROM reminders
      WHERE applicant_id = ${applicantId}::uuid AND kind = ${kind} AND number > ${number}::int
        AND status = 'scheduled' AND due_at <= ${now}::timestamptz
    ) AS due`;
  return row?.due ?? false;
}

/** Moves a reminder to a new due time; its job is queued again when that comes near (queue-reminders.ts). */
export async function rescheduleReminder(sql: Statement, id: string, dueAt: Date): Promise<void> {
  // SQL: the send job's transaction.
  await sql`
    UPDATE reminders SET due_at = ${dueAt}::timestamptz, shifted_for_quiet_hours = true, job_id = NULL,
      updated_at = now()
    WHERE id = ${id}`;
}

/** Reminders planned and not yet fired or stopped (the pending-reminders gauge, read on each scrape). */
export const countScheduled = (tx: Tx) => tx.reminder.count({ where: { status: 'scheduled' } });

/** Erasure of one applicant: their invites (verification links), contacts, reminders and closures. */
export async function eraseApplicant(sql: Statement, applicantId: string) {
  // SQL: in the consumer's transaction (service.ts); the counts come back in one round trip.
  const [counts] = await sql<{ invites: number; contacts: number; reminders: number; closures: number }>`
    WITH gone_contacts AS (
      DELETE FROM contacts WHERE applicant_id = ${applicantId}::uuid RETURNING 1
    ), gone_reminders AS (
      DELETE FROM reminders WHERE applicant_id = ${applicantId}::uuid RETURNING 1
    ), gone_closures AS (
      DELETE FROM closures WHERE applicant_id = ${applicantId}::uuid RETURNING 1
    ), gone_invites AS (
      DELETE FROM invites WHERE applicant_id = ${applicantId}::uuid RETURNING 1
    )
    SELECT (SELECT count(*) FROM gone_invites)::int AS invites,
           (SELECT count(*) FROM gone_contacts)::int AS contacts,
           (SELECT count(*) FROM gone_reminders)::int AS reminders,
           (SELECT count(*) FROM gone_closures)::int AS closures`;
  return counts ?? { invites: 0, contacts: 0, reminders: 0, closures: 0 };
}

/**
 * Retention: an applicant×kind whose invite expired and has not changed since `cutoff` can get no more
 * reminders; it goes with its contacts, reminders and closure. Contacts seen before `cutoff` without such
 * an invite (a NotificationRequested never followed by InviteSent) go too.
 */
export async function purgeExpired(tx: Tx, cutoff: Date, limit: number) {
  const done = await tx.invite.findMany({
    where: { updatedAt: { lt: cutoff }, expiresAt: { lt: cutoff } },
    select: { applicantId: true, kind: true },
    take: limit,
  });
  const where = { OR: done.map(({ applicantId, kind }) => ({ applicantId, kind })) };
  const some = done.length > 0;
  const count = async (run: () => Promise<{ count: number }>) => (some ? (await run()).count : 0);
  const reminders = await count(() => tx.reminder.deleteMany({ where }));
  const closures = await count(() => tx.closure.deleteMany({ where }));
  const invites = await count(() => tx.invite.deleteMany({ where }));
  const contacts =
    (await count(() => tx.contact.deleteMany({ where }))) +
    (await tx.contact.deleteMany({ where: { observedAt: { lt: cutoff } } })).count;
  return { invites, contacts, reminders, closures };
}
