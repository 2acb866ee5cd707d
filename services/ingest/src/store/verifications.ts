/** The id mapping platform webhooks refer to (from VerificationRequested), and reports already published. */
import type { EventOf, VerificationRequested } from '@autoverify/contracts';
import type { Tx } from '../db.ts';
import type { GroupMapping } from '../domain/platform-events.ts';

/**
 * Stores the mapping a VerificationRequested carries; a repeat (update) overwrites it. Within one event a
 * repeated id keeps its last entry, as one upsert after another would.
 */
export async function saveVerificationMapping(
  tx: Tx,
  event: EventOf<typeof VerificationRequested>,
): Promise<void> {
  const p = event.payload;
  const applicants = lastById(p.applicants, (a) => a.platformApplicantId);
  const verifications = lastById(
    p.applicants.flatMap((a) =>
      a.verifications.map((v) => ({ ...v, platformApplicantId: a.platformApplicantId })),
    ),
    (v) => v.verificationId,
  );
  // SQL: the group, its applicants and their verifications as one statement (set-based upserts from unnest);
  // an upsert per row through the model API was 8-9 round trips per event.
  await tx.$executeRaw`
    WITH grp AS (
      INSERT INTO verification_groups (applicant_group_id, tenant_id, application_id, entrata_application_id, property_id, updated_at)
      VALUES (${p.applicantGroupId}, ${event.tenantId}, ${p.applicationId}::uuid, ${p.entrataApplicationId}, ${p.propertyId}, now())
      ON CONFLICT (applicant_group_id) DO UPDATE
        SET tenant_id = excluded.tenant_id, application_id = excluded.application_id,
            entrata_application_id = excluded.entrata_application_id, property_id = excluded.property_id,
            updated_at = excluded.updated_at),
    applicants AS (
      INSERT INTO verification_applicants (platform_applicant_id, applicant_group_id, applicant_id, entrata_customer_id)
      SELECT id, ${p.applicantGroupId}, applicant, customer
        FROM unnest(${applicants.map((a) => a.platformApplicantId)}::text[],
                    ${applicants.map((a) => a.applicantId)}::uuid[],
                    ${applicants.map((a) => a.entrataCustomerId)}::text[]) AS t(id, applicant, customer)
      ON CONFLICT (platform_applicant_id) DO UPDATE
        SET applicant_group_id = excluded.applicant_group_id, applicant_id = excluded.applicant_id,
            entrata_customer_id = excluded.entrata_customer_id)
    INSERT INTO verifications (verification_id, kind, platform_applicant_id, applicant_group_id)
    SELECT id, kind, applicant, ${p.applicantGroupId}
      FROM unnest(${verifications.map((v) => v.verificationId)}::text[],
                  ${verifications.map((v) => v.kind)}::text[],
                  ${verifications.map((v) => v.platformApplicantId)}::text[]) AS t(id, kind, applicant)
    ON CONFLICT (verification_id) DO UPDATE
      SET kind = excluded.kind, platform_applicant_id = excluded.platform_applicant_id,
          applicant_group_id = excluded.applicant_group_id`;
}

/** ON CONFLICT DO UPDATE may touch a row once per statement: one entry per id, the last one. */
const lastById = <T>(items: readonly T[], id: (item: T) => string): T[] => [
  ...new Map(items.map((item) => [id(item), item])).values(),
];

export async function findGroup(
  tx: Tx,
  applicantGroupId: string | undefined,
): Promise<GroupMapping | undefined> {
  if (!applicantGroupId) return undefined;
  const group = await tx.verificationGroup.findUnique({ where: { applicantGroupId } });
  if (!group) return undefined;
  const applicants = await tx.verificationApplicant.findMany({
    where: { applicantGroupId },
    orderBy: { platformApplicantId: 'asc' },
  });
  return { ...group, applicants };
}

export async function findVerification(tx: Tx, verificationId: string | undefined) {
  if (!verificationId) return undefined;
  return (await tx.verification.findUnique({ where: { verificationId } })) ?? undefined;
}

/** True for the first claim of a report id: one ReportCompleted per report, however often it is announced. */
export async function claimReport(
  tx: Tx,
  report: { reportId: string; applicantGroupId: string; eventId: string },
): Promise<boolean> {
  const { count } = await tx.publishedReport.createMany({ data: [report], skipDuplicates: true });
  return count === 1;
}
