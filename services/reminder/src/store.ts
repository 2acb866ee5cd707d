/**
 * reminder's database access. Every function takes the transaction (or, for a read outside one, ctx.db.client)
 * first. Prisma's model API throughout, except where noted.
 */
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

/**
 * Records an InviteSent. Returns the stored invite: its sentAt is the first invite's time, its channels
 * the union over every InviteSent, link and expiry those of the latest.
 */
export async function upsertInvite(tx: Tx, invite: InviteRecord): Promise<InviteRecord> {
  // SQL: one atomic upsert whose update merges arrays and compares with the stored row (the model API's
  // upsert can only overwrite).
  const [row] = await tx.$queryRaw<
    (Omit<InviteRecord, 'channels' | 'kind'> & { kind: string; channels: string[] })[]
  >`
    INSERT INTO invites AS i (applicant_id, kind, tenant_id, application_id, property_id, channels, link, expires_at, sent_at, last_sent_at)
    VALUES (${invite.applicantId}::uuid, ${invite.kind}, ${invite.tenantId}, ${invite.applicationId}::uuid, ${invite.propertyId},
      ${invite.channels}::text[], ${invite.link}, ${invite.expiresAt}, ${invite.sentAt}, ${invite.sentAt})
    ON CONFLICT (applicant_id, kind) DO UPDATE SET
      channels = ARRAY(SELECT DISTINCT c FROM unnest(i.channels || excluded.channels) AS c ORDER BY c),
      link = CASE WHEN excluded.last_sent_at >= i.last_sent_at THEN excluded.link ELSE i.link END,
      expires_at = CASE WHEN excluded.last_sent_at >= i.last_sent_at THEN excluded.expires_at ELSE i.expires_at END,
      sent_at = LEAST(i.sent_at, excluded.sent_at),
      last_sent_at = GREATEST(i.last_sent_at, excluded.last_sent_at),
      updated_at = now()
    RETURNING tenant_id AS "tenantId", application_id::text AS "applicationId", applicant_id::text AS "applicantId",
      property_id AS "propertyId", kind, channels, link, expires_at AS "expiresAt", sent_at AS "sentAt"`;
  if (!row) throw new Error('upsert of invite returned no row');
  return { ...row, kind: row.kind as Kind, channels: channelsOf(row.channels) };
}

export interface ContactRecord {
  applicantId: string;
  kind: Kind;
  channel: Channel;
  recipient: string;
  recipientName: string;
  observedAt: Date;
}

/** Stores where the invite went on one channel; an older request never overwrites a newer one. */
export async function upsertContact(tx: Tx, contact: ContactRecord): Promise<void> {
  // SQL: the update is conditional on the stored row (ON CONFLICT ... WHERE), which the model API cannot say.
  await tx.$executeRaw`
    INSERT INTO contacts AS c (applicant_id, kind, channel, recipient, recipient_name, observed_at)
    VALUES (${contact.applicantId}::uuid, ${contact.kind}, ${contact.channel}, ${contact.recipient},
      ${contact.recipientName}, ${contact.observedAt})
    ON CONFLICT (applicant_id, kind, channel) DO UPDATE
      SET recipient = excluded.recipient, recipient_name = excluded.recipient_name, observed_at = excluded.observed_at
      WHERE excluded.observed_at >= c.observed_at`;
}

export async function contactsOf(tx: Tx, applicantId: string, kind: Kind): Promise<ContactRecord[]> {
  const rows = await tx.contact.findMany({ where: { applicantId, kind }, orderBy: { channel: 'asc' } });
  return rows.map((r) => ({ ...r, kind: r.kind as Kind, channel: r.channel as Channel }));
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
export async function recordClosure(tx: Tx, closure: ClosureRecord): Promise<void> {
  await tx.closure.createMany({ data: [closure], skipDuplicates: true });
}

export async function closureOf(tx: Tx, applicantId: string, kind: Kind): Promise<CloseReason | null> {
  const row = await tx.closure.findUnique({
    where: { applicantId_kind: { applicantId, kind } },
    select: { reason: true },
  });
  return (row?.reason as CloseReason | undefined) ?? null;
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
export async function insertReminders(tx: Tx, reminders: NewReminder[]): Promise<Set<string>> {
  if (reminders.length === 0) return new Set();
  const rows = await tx.reminder.createManyAndReturn({
    data: reminders,
    skipDuplicates: true,
    select: { id: true },
  });
  return new Set(rows.map((r) => r.id));
}

export async function setReminderJob(tx: Tx, id: string, jobId: string | null): Promise<void> {
  await tx.reminder.update({ where: { id }, data: { jobId } });
}

/**
 * Scheduled reminders without a job, due within `aheadMs` of the database's clock (the job queue's), earliest
 * first, locked until the transaction ends. SKIP LOCKED: a tick in another process takes the others, and
 * a row whose job was queued meanwhile no longer matches once locked.
 */
export function lockAwaitingJob(
  tx: Tx,
  aheadMs: number,
  limit: number,
): Promise<{ id: string; dueAt: Date }[]> {
  // SQL: the model API has no row locks; the WHERE matches the partial index reminders_awaiting_job_due_at_idx.
  return tx.$queryRaw`
    SELECT id, due_at AS "dueAt" FROM reminders
    WHERE status = 'scheduled' AND job_id IS NULL AND due_at <= now() + make_interval(secs => ${aheadMs / 1000})
    ORDER BY due_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
}

/** Cancels every still-scheduled reminder of an applicant×kind; returns their ids and jobs. */
export function cancelScheduled(
  tx: Tx,
  applicantId: string,
  kind: Kind,
  detail: string,
): Promise<{ id: string; jobId: string | null }[]> {
  return tx.reminder.updateManyAndReturn({
    where: { applicantId, kind, status: 'scheduled' },
    data: { status: 'cancelled', detail },
    select: { id: true, jobId: true },
  });
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
export async function lockReminder(tx: Tx, id: string): Promise<DueReminder | undefined> {
  // SQL: the model API has no row locks (FOR UPDATE).
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM reminders WHERE id = ${id} FOR UPDATE`;
  if (locked.length === 0) return undefined;
  const reminder = await tx.reminder.findUniqueOrThrow({ where: { id } });
  const key = { applicantId_kind: { applicantId: reminder.applicantId, kind: reminder.kind } };
  const invite = await tx.invite.findUnique({ where: key });
  if (!invite) return undefined;
  const closure = await tx.closure.findUnique({ where: key, select: { reason: true } });
  return {
    id: reminder.id,
    tenantId: reminder.tenantId,
    applicationId: reminder.applicationId,
    applicantId: reminder.applicantId,
    kind: reminder.kind as Kind,
    number: reminder.number,
    status: reminder.status as ReminderStatus,
    dueAt: reminder.dueAt,
    propertyId: invite.propertyId,
    channels: channelsOf(invite.channels),
    link: invite.link,
    expiresAt: invite.expiresAt,
    closed: (closure?.reason as CloseReason | undefined) ?? null,
  };
}

export async function finishReminder(
  tx: Tx,
  id: string,
  status: Exclude<ReminderStatus, 'scheduled'>,
  detail: string | null,
): Promise<void> {
  await tx.reminder.update({
    where: { id },
    data: { status, detail, ...(status === 'sent' ? { sentAt: new Date() } : {}) },
  });
}

/** Whether a later reminder of the same applicant×kind is still scheduled and already due at `now`. */
export async function laterReminderDue(
  tx: Tx,
  applicantId: string,
  kind: Kind,
  number: number,
  now: Date,
): Promise<boolean> {
  const due = await tx.reminder.count({
    where: { applicantId, kind, number: { gt: number }, status: 'scheduled', dueAt: { lte: now } },
  });
  return due > 0;
}

/** Moves a reminder to a new due time; its job is queued again when that comes near (queue-reminders.ts). */
export async function rescheduleReminder(tx: Tx, id: string, dueAt: Date): Promise<void> {
  await tx.reminder.update({ where: { id }, data: { dueAt, shiftedForQuietHours: true, jobId: null } });
}

/** Reminders planned and not yet fired or stopped (the pending-reminders gauge, read on each scrape). */
export const countScheduled = (tx: Tx) => tx.reminder.count({ where: { status: 'scheduled' } });

/** Erasure of one applicant: their invites (verification links), contacts, reminders and closures. */
export async function eraseApplicant(tx: Tx, applicantId: string) {
  const where = { applicantId };
  const [contacts, reminders, closures, invites] = [
    await tx.contact.deleteMany({ where }),
    await tx.reminder.deleteMany({ where }),
    await tx.closure.deleteMany({ where }),
    await tx.invite.deleteMany({ where }),
  ];
  return {
    invites: invites.count,
    contacts: contacts.count,
    reminders: reminders.count,
    closures: closures.count,
  };
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
