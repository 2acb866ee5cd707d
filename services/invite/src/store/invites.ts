/**
 * invite's invitations: one invite per applicant × kind, every notification requested for them, and
 * support's re-sends. The completion, run for every VerificationCompleted, is plain pg in the consumer's
 * SqlTransaction (service.ts: `consumerTransactions: 'sql'`) and takes a Statement; every other function takes
 * Prisma's transaction (or ctx.db.client) first and uses its model API except where noted.
 */
import type { Channel, VerificationKind } from '@autoverify/contracts';
import type { Statement } from '@autoverify/service-kit';
import type { Tx } from '../db.ts';
import type { Invite, InviteResend } from '../generated/prisma/client.ts';

export type { Invite, InviteResend } from '../generated/prisma/client.ts';

const byKey = (applicantId: string, kind: VerificationKind) => ({
  applicantId_kind: { applicantId, kind },
});

export const findInvite = (tx: Tx, applicantId: string, kind: VerificationKind): Promise<Invite | null> =>
  tx.invite.findUnique({ where: byKey(applicantId, kind) });

export const findInvitesOf = (tx: Tx, applicantIds: string[]): Promise<Invite[]> =>
  tx.invite.findMany({ where: { applicantId: { in: applicantIds } } });

export const createInvites = async (
  tx: Tx,
  invites: {
    applicantId: string;
    kind: VerificationKind;
    applicationId: string;
    verificationId: string;
    link: string;
    expiresAt: Date;
  }[],
) => {
  if (invites.length === 0) return;
  await tx.invite.createMany({ data: invites.map((invite) => ({ ...invite, status: 'sent' })) });
};

/**
 * Locks the invite row until the transaction ends: re-sends of one invite, and its completion or expiry, run
 * one after another. Does nothing when there is no invite.
 */
export async function lockInvite(tx: Tx, applicantId: string, kind: VerificationKind): Promise<void> {
  // SQL: the model API has no row locks (FOR UPDATE).
  await tx.$queryRaw`SELECT 1 AS locked FROM invites WHERE applicant_id = ${applicantId}::uuid AND kind = ${kind} FOR UPDATE`;
}

/** Open -> expired; false when it was completed (or expired) meanwhile, so a repeat does nothing. */
export async function markExpired(
  tx: Tx,
  applicantId: string,
  kind: VerificationKind,
  at: Date,
): Promise<boolean> {
  const { count } = await tx.invite.updateMany({
    where: { applicantId, kind, status: 'sent' },
    data: { status: 'expired', expiredAt: at },
  });
  return count === 1;
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
export async function requestedNotificationIds(tx: Tx, applicantIds: string[]): Promise<Set<string>> {
  const rows = await tx.inviteNotification.findMany({
    where: { applicantId: { in: applicantIds } },
    select: { id: true },
  });
  return new Set(rows.map((r) => r.id));
}

export const recordNotifications = (
  tx: Tx,
  notifications: {
    id: string;
    applicantId: string;
    kind: VerificationKind;
    channel: Channel;
    contactHash: string;
  }[],
) => tx.inviteNotification.createMany({ data: notifications });

/** Keeps our advisory locks apart from anyone else's (the two-int key space; pg-boss uses the bigint one). */
const IDEMPOTENCY_LOCK_SPACE = 0x1f7e5e9d;

/** Same-key re-send requests wait for each other until the transaction ends. */
export async function lockIdempotencyKey(tx: Tx, key: string): Promise<void> {
  // SQL: advisory locks have no model API.
  await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${IDEMPOTENCY_LOCK_SPACE}::int, hashtext(${key}))`;
}

export const findResendByKey = (tx: Tx, idempotencyKey: string): Promise<InviteResend | null> =>
  tx.inviteResend.findUnique({ where: { idempotencyKey } });

/** 1 for the first re-send of this applicant and kind. */
export async function nextResendSequence(
  tx: Tx,
  applicantId: string,
  kind: VerificationKind,
): Promise<number> {
  const last = await tx.inviteResend.aggregate({ where: { applicantId, kind }, _max: { sequence: true } });
  return (last._max.sequence ?? 0) + 1;
}

/** The audit row of a re-send: who asked, why, and the notifications it requested (in order). */
export function createResend(
  tx: Tx,
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
  const { notifications, ...row } = resend;
  return tx.inviteResend.create({
    data: {
      ...row,
      channels: notifications.map((n) => n.channel),
      notificationIds: notifications.map((n) => n.notificationId),
    },
  });
}
