/**
 * invite's invitations: one invite per applicant × kind, every notification requested for them, and
 * support's re-sends. Plain pg, every function taking a Statement (docs/architecture.md "Data access rules"):
 * the completion runs in the consumer's SqlTransaction (service.ts: `consumerTransactions: 'sql'`) for every
 * VerificationCompleted; the invites and notifications in the platform run's completing ctx.db.transaction
 * (record-run.ts); the expiry job and support's re-sends, which share them, in a ctx.db.transaction of their own.
 */
import type { Channel, VerificationKind } from '@autoverify/contracts';
import type { Statement } from '@autoverify/service-kit';
import type { Invite, InviteResend } from '../generated/prisma/client.ts';

export type { Invite, InviteResend } from '../generated/prisma/client.ts';

/** The columns of `invites`, as plain SQL (`SELECT *`) reads them. */
interface InviteColumns {
  applicant_id: string;
  kind: string;
  application_id: string;
  verification_id: string;
  link: string;
  status: string;
  expires_at: Date;
  completed_at: Date | null;
  expired_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** An invite row as Prisma's model API would return it. */
function inviteOf(i: InviteColumns): Invite {
  return {
    applicantId: i.applicant_id,
    kind: i.kind,
    applicationId: i.application_id,
    verificationId: i.verification_id,
    link: i.link,
    status: i.status,
    expiresAt: i.expires_at,
    completedAt: i.completed_at,
    expiredAt: i.expired_at,
    createdAt: i.created_at,
    updatedAt: i.updated_at,
  };
}

export async function findInvite(
  sql: Statement,
  applicantId: string,
  kind: VerificationKind,
): Promise<Invite | null> {
  // SQL: in the expiry job's and support's re-send transactions (docs/architecture.md).
  const [row] = await sql<InviteColumns>`
    SELECT * FROM invites WHERE applicant_id = ${applicantId}::uuid AND kind = ${kind}`;
  return row ? inviteOf(row) : null;
}

export async function findInvitesOf(sql: Statement, applicantIds: string[]): Promise<Invite[]> {
  // SQL: in the platform run's completing transaction (docs/architecture.md).
  const rows =
    await sql<InviteColumns>`SELECT * FROM invites WHERE applicant_id = ANY(${applicantIds}::uuid[])`;
  return rows.map(inviteOf);
}

export async function createInvites(
  sql: Statement,
  invites: {
    applicantId: string;
    kind: VerificationKind;
    applicationId: string;
    verificationId: string;
    link: string;
    expiresAt: Date;
  }[],
): Promise<void> {
  if (invites.length === 0) return;
  // SQL: in the platform run's completing transaction (docs/architecture.md); one row per element of the
  // parallel arrays (Prisma's createMany: a duplicate fails the transaction).
  await sql`
    INSERT INTO invites (applicant_id, kind, application_id, verification_id, link, expires_at, status, updated_at)
    SELECT applicant_id, kind, application_id, verification_id, link, expires_at, 'sent', now()
      FROM unnest(${invites.map((i) => i.applicantId)}::uuid[], ${invites.map((i) => i.kind)}::text[],
                  ${invites.map((i) => i.applicationId)}::uuid[], ${invites.map((i) => i.verificationId)}::text[],
                  ${invites.map((i) => i.link)}::text[], ${invites.map((i) => i.expiresAt)}::timestamptz[])
           AS i (applicant_id, kind, application_id, verification_id, link, expires_at)`;
}

/**
 * Locks the invite row until the transaction ends: re-sends of one invite, and its completion or expiry, run
 * one after another. Does nothing when there is no invite.
 */
export async function lockInvite(sql: Statement, applicantId: string, kind: VerificationKind): Promise<void> {
  // SQL: a row lock (FOR UPDATE), in support's re-send transaction.
  await sql`SELECT 1 AS locked FROM invites WHERE applicant_id = ${applicantId}::uuid AND kind = ${kind} FOR UPDATE`;
}

/** Open -> expired; false when it was completed (or expired) meanwhile, so a repeat does nothing. */
export async function markExpired(
  sql: Statement,
  applicantId: string,
  kind: VerificationKind,
  at: Date,
): Promise<boolean> {
  // SQL: the expiry job's conditional update (Prisma's updateMany), in its transaction.
  const rows = await sql`
    UPDATE invites SET status = 'expired', expired_at = ${at}::timestamptz, updated_at = now()
     WHERE applicant_id = ${applicantId}::uuid AND kind = ${kind} AND status = 'sent'
    RETURNING 1`;
  return rows.length === 1;
}

/**
 * Open or expired (a reopened request) -> completed: `completed`; `unchanged` when already completed, `unknown`
 * when there is no such invite.
 */
export async function completeInvite(
  sql: Statement,
  applicantId: string,
  kind: VerificationKind,
  at: Date,
): Promise<'completed' | 'unchanged' | 'unknown'> {
  // SQL: the consumer's one statement per VerificationCompleted (docs/architecture.md): the conditional
  // update and, when it changed nothing, whether the invite exists.
  const [row] = await sql<{ completed: number; known: boolean }>`
    WITH completed AS (
      UPDATE invites SET status = 'completed', completed_at = ${at}::timestamptz, updated_at = now()
       WHERE applicant_id = ${applicantId}::uuid AND kind = ${kind} AND status IN ('sent', 'expired')
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM completed)::int AS completed,
           EXISTS (SELECT 1 FROM invites WHERE applicant_id = ${applicantId}::uuid AND kind = ${kind}) AS known`;
  if (row?.completed === 1) return 'completed';
  return row?.known ? 'unchanged' : 'unknown';
}

/** The ids of the notifications already requested for these applicants. */
export async function requestedNotificationIds(sql: Statement, applicantIds: string[]): Promise<Set<string>> {
  // SQL: in the platform run's completing transaction (docs/architecture.md).
  const rows = await sql<{ id: string }>`
    SELECT id FROM invite_notifications WHERE applicant_id = ANY(${applicantIds}::uuid[])`;
  return new Set(rows.map((r) => r.id));
}

export async function recordNotifications(
  sql: Statement,
  notifications: {
    id: string;
    applicantId: string;
    kind: VerificationKind;
    channel: Channel;
    contactHash: string;
  }[],
): Promise<void> {
  if (notifications.length === 0) return;
  // SQL: with every invitation sent (invitation.ts); one row per element of the parallel arrays (Prisma's
  // createMany: a duplicate fails the transaction).
  await sql`
    INSERT INTO invite_notifications (id, applicant_id, kind, channel, contact_hash)
    SELECT * FROM unnest(${notifications.map((n) => n.id)}::text[],
                         ${notifications.map((n) => n.applicantId)}::uuid[],
                         ${notifications.map((n) => n.kind)}::text[], ${notifications.map((n) => n.channel)}::text[],
                         ${notifications.map((n) => n.contactHash)}::text[])`;
}

/** Keeps our advisory locks apart from anyone else's (the two-int key space; pg-boss uses the bigint one). */
const IDEMPOTENCY_LOCK_SPACE = 0x1f7e5e9d;

/** Same-key re-send requests wait for each other until the transaction ends. */
export async function lockIdempotencyKey(sql: Statement, key: string): Promise<void> {
  // SQL: an advisory lock, in support's re-send transaction.
  await sql`SELECT 1 AS locked FROM pg_advisory_xact_lock(${IDEMPOTENCY_LOCK_SPACE}::int, hashtext(${key}))`;
}

/** The columns of `invite_resends`, as plain SQL (`SELECT *`) reads them. */
interface ResendColumns {
  id: string;
  application_id: string;
  applicant_id: string;
  kind: string;
  sequence: number;
  channels: string[];
  notification_ids: string[];
  requested_by: string;
  reason: string;
  idempotency_key: string | null;
  request_hash: string;
  created_at: Date;
}

/** A re-send row as Prisma's model API would return it. */
function resendOf(r: ResendColumns): InviteResend {
  return {
    id: r.id,
    applicationId: r.application_id,
    applicantId: r.applicant_id,
    kind: r.kind,
    sequence: r.sequence,
    channels: r.channels,
    notificationIds: r.notification_ids,
    requestedBy: r.requested_by,
    reason: r.reason,
    idempotencyKey: r.idempotency_key,
    requestHash: r.request_hash,
    createdAt: r.created_at,
  };
}

export async function findResendByKey(sql: Statement, idempotencyKey: string): Promise<InviteResend | null> {
  // SQL: in support's re-send transaction, which shares sendInvitations with the platform run.
  const [row] =
    await sql<ResendColumns>`SELECT * FROM invite_resends WHERE idempotency_key = ${idempotencyKey}`;
  return row ? resendOf(row) : null;
}

/** 1 for the first re-send of this applicant and kind. */
export async function nextResendSequence(
  sql: Statement,
  applicantId: string,
  kind: VerificationKind,
): Promise<number> {
  // SQL: in support's re-send transaction (Prisma's aggregate _max).
  const [row] = await sql<{ last: number | null }>`
    SELECT max(sequence) AS last FROM invite_resends WHERE applicant_id = ${applicantId}::uuid AND kind = ${kind}`;
  return (row?.last ?? 0) + 1;
}

/** The audit row of a re-send: who asked, why, and the notifications it requested (in order). */
export async function createResend(
  sql: Statement,
  resend: {
    id: string;
    applicationId: string;
    applicantId: string;
    kind: VerificationKind;
    sequence: number;
    notifications: { channel: Channel; notificationId: string }[];
    requestedBy: string;
    reason: string;
    idempotencyKey: string | null;
    requestHash: string;
  },
): Promise<InviteResend> {
  // SQL: in support's re-send transaction, which shares sendInvitations with the platform run.
  const [row] = await sql<ResendColumns>`
    INSERT INTO invite_resends (id, application_id, applicant_id, kind, sequence, channels, notification_ids,
                                requested_by, reason, idempotency_key, request_hash)
    VALUES (${resend.id}::uuid, ${resend.applicationId}::uuid, ${resend.applicantId}::uuid, ${resend.kind},
            ${resend.sequence}::int, ${resend.notifications.map((n) => n.channel)}::text[],
            ${resend.notifications.map((n) => n.notificationId)}::text[], ${resend.requestedBy}, ${resend.reason},
            ${resend.idempotencyKey}, ${resend.requestHash})
    RETURNING *`;
  if (!row) throw new Error(`re-send ${resend.id} was not recorded`);
  return resendOf(row);
}
