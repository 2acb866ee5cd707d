/**
 * invite's part of erasure and retention (docs/security.md): applicants (names, contacts, notes, what the
 * platform holds), their invites (verification links), the contact hashes of requested notifications and
 * support's re-sends. Erasure is plain pg in the consumer's SqlTransaction (service.ts: `consumerTransactions:
 * 'sql'`) and takes a Statement; retention, a daily batch, stays on Prisma and takes its transaction.
 */
import type { Statement } from '@autoverify/service-kit';
import type { Tx } from '../db.ts';

/** Deletes everything invite holds about one applicant; the application (ids) stays for its co-applicants. */
export async function eraseApplicant(sql: Statement, applicantId: string) {
  // SQL: in the consumer's transaction (service.ts); the counts come back in one round trip.
  const [counts] = await sql<{
    applicants: number;
    invites: number;
    invite_notifications: number;
    invite_resends: number;
  }>`
    WITH notifications AS (
      DELETE FROM invite_notifications WHERE applicant_id = ${applicantId}::uuid RETURNING 1
    ), resends AS (
      DELETE FROM invite_resends WHERE applicant_id = ${applicantId}::uuid RETURNING 1
    ), invites AS (
      DELETE FROM invites WHERE applicant_id = ${applicantId}::uuid RETURNING 1
    ), applicants AS (
      DELETE FROM applicants WHERE id = ${applicantId}::uuid RETURNING 1
    )
    SELECT (SELECT count(*) FROM applicants)::int AS applicants,
           (SELECT count(*) FROM invites)::int AS invites,
           (SELECT count(*) FROM notifications)::int AS invite_notifications,
           (SELECT count(*) FROM resends)::int AS invite_resends`;
  return counts ?? { applicants: 0, invites: 0, invite_notifications: 0, invite_resends: 0 };
}

/**
 * Retention: applications where nothing changed since `cutoff` and every invite expired before it (no
 * completion, re-send or expiry can come any more) go with everything that hangs off them.
 */
export async function purgeExpired(tx: Tx, cutoff: Date, limit: number) {
  // SQL: invites have no relation to applications in the schema; NOT EXISTS says "none still open" in one query.
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT a.id FROM applications a
     WHERE a.updated_at < ${cutoff}
       AND NOT EXISTS (SELECT 1 FROM applicants p WHERE p.application_id = a.id AND p.updated_at >= ${cutoff})
       AND NOT EXISTS (SELECT 1 FROM invites i WHERE i.application_id = a.id
                         AND (i.updated_at >= ${cutoff} OR i.expires_at >= ${cutoff}))
     LIMIT ${limit}`;
  const ids = rows.map((r) => r.id);
  const byApplication = { applicationId: { in: ids } };
  const applicantIds = (await tx.applicant.findMany({ where: byApplication, select: { id: true } })).map(
    (a) => a.id,
  );
  const notifications = await tx.inviteNotification.deleteMany({
    where: { applicantId: { in: applicantIds } },
  });
  const resends = await tx.inviteResend.deleteMany({ where: byApplication });
  const invites = await tx.invite.deleteMany({ where: byApplication });
  await tx.platformCreate.deleteMany({ where: byApplication });
  const applicants = await tx.applicant.deleteMany({ where: byApplication });
  const applications = await tx.application.deleteMany({ where: { id: { in: ids } } });
  return {
    applications: applications.count,
    applicants: applicants.count,
    invites: invites.count,
    invite_notifications: notifications.count,
    invite_resends: resends.count,
  };
}
