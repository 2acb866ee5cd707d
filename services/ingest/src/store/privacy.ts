/**
 * ingest's part of erasure and retention (docs/security.md "Retention", "Erasure"; wired by service-kit from
 * `privacy` in service.ts). Personal data here is the applicants' contact data in `applications.snapshot`;
 * the other tables hold ids only (verification mapping) or webhook bodies that carry ids only: the
 * verification platform's are flat `{code, verification_id | applicant_group_id, applicant_id, report_id…}`
 * (domain.md), and Entrata's, as the sandbox sends them, `{event, eventId, occurredAt, propertyId,
 * applicationId, leadId}`. Entrata's real format is undocumented: should it carry names or contacts, erase
 * `entrata_webhooks.raw_body` of the application here too.
 */
import type { ErasedCounts, ErasureRequest } from '@autoverify/service-kit';
import type { Tx } from '../db.ts';

type Snapshot = { applicants?: { applicantId?: string }[] } & Record<string, unknown>;

/**
 * Removes the applicant from the stored snapshot (null when nobody is left) and deletes their verification
 * mapping. The content hash stays: a re-read of the unchanged application is not published again.
 */
export async function eraseApplicant(tx: Tx, request: ErasureRequest): Promise<ErasedCounts> {
  const { tenantId, applicationId, applicantId } = request;
  const row = await tx.application.findFirst({ where: { tenantId, applicationId } });
  let snapshots = 0;
  const snapshot = row?.snapshot as Snapshot | null | undefined;
  const applicants = snapshot?.applicants ?? [];
  const others = applicants.filter((a) => a.applicantId !== applicantId);
  if (snapshot && others.length < applicants.length) {
    // SQL: a jsonb NULL written with the model API needs Prisma.DbNull; one statement either way.
    await tx.$executeRaw`
      UPDATE applications
         SET snapshot = ${others.length === 0 ? null : JSON.stringify({ ...snapshot, applicants: others })}::jsonb
       WHERE application_id = ${applicationId}::uuid`;
    snapshots = 1;
  }
  const mapped = await tx.verificationApplicant.findMany({
    where: { applicantId },
    select: { platformApplicantId: true },
  });
  const platformApplicantId = { in: mapped.map((m) => m.platformApplicantId) };
  const verifications = await tx.verification.deleteMany({ where: { platformApplicantId } });
  const verificationApplicants = await tx.verificationApplicant.deleteMany({ where: { applicantId } });
  return {
    applications: snapshots,
    verification_applicants: verificationApplicants.count,
    verifications: verifications.count,
  };
}

/**
 * Retention: snapshots of applications unchanged since `cutoff` are cleared (the row, ids and hash stay, so a
 * late webhook does not publish the application again), webhooks received before it are deleted (finished
 * ones only: a pending platform webhook is still being worked on), and so are verification mappings unchanged
 * since.
 */
export async function purgeExpired(tx: Tx, cutoff: Date, limit: number): Promise<ErasedCounts> {
  // SQL: UPDATE/DELETE with LIMIT needs a sub-select; the model API has neither.
  const applications = await tx.$executeRaw`
    UPDATE applications SET snapshot = NULL
     WHERE ctid IN (SELECT ctid FROM applications
                     WHERE updated_at < ${cutoff} AND snapshot IS NOT NULL LIMIT ${limit})`;
  const entrataWebhooks = await tx.$executeRaw`
    DELETE FROM entrata_webhooks
     WHERE id IN (SELECT id FROM entrata_webhooks WHERE received_at < ${cutoff} LIMIT ${limit})`;
  const platformWebhooks = await tx.$executeRaw`
    DELETE FROM platform_webhooks
     WHERE dedupe_key IN (SELECT dedupe_key FROM platform_webhooks
                           WHERE received_at < ${cutoff} AND status <> 'pending' LIMIT ${limit})`;
  const groups = await tx.verificationGroup.findMany({
    where: { updatedAt: { lt: cutoff } },
    select: { applicantGroupId: true },
    take: limit,
  });
  const applicantGroupId = { in: groups.map((g) => g.applicantGroupId) };
  const verifications = await tx.verification.deleteMany({ where: { applicantGroupId } });
  const verificationApplicants = await tx.verificationApplicant.deleteMany({ where: { applicantGroupId } });
  const verificationGroups = await tx.verificationGroup.deleteMany({ where: { applicantGroupId } });
  return {
    applications,
    entrata_webhooks: entrataWebhooks,
    platform_webhooks: platformWebhooks,
    verification_groups: verificationGroups.count,
    verification_applicants: verificationApplicants.count,
    verifications: verifications.count,
  };
}
