/** The id mapping platform webhooks refer to (from VerificationRequested), and reports already published. */
import type { EventOf, VerificationRequested } from '@autoverify/contracts';
import type { Tx } from '../db.ts';
import type { GroupMapping } from '../domain/platform-events.ts';

/** Stores the mapping a VerificationRequested carries; a repeat (update) overwrites it. */
export async function saveVerificationMapping(
  tx: Tx,
  event: EventOf<typeof VerificationRequested>,
): Promise<void> {
  const p = event.payload;
  const group = {
    tenantId: event.tenantId,
    applicationId: p.applicationId,
    entrataApplicationId: p.entrataApplicationId,
    propertyId: p.propertyId,
  };
  await tx.verificationGroup.upsert({
    where: { applicantGroupId: p.applicantGroupId },
    create: { applicantGroupId: p.applicantGroupId, ...group },
    update: group,
  });
  for (const a of p.applicants) {
    const applicant = {
      applicantGroupId: p.applicantGroupId,
      applicantId: a.applicantId,
      entrataCustomerId: a.entrataCustomerId,
    };
    await tx.verificationApplicant.upsert({
      where: { platformApplicantId: a.platformApplicantId },
      create: { platformApplicantId: a.platformApplicantId, ...applicant },
      update: applicant,
    });
    for (const v of a.verifications) {
      const verification = {
        kind: v.kind,
        platformApplicantId: a.platformApplicantId,
        applicantGroupId: p.applicantGroupId,
      };
      await tx.verification.upsert({
        where: { verificationId: v.verificationId },
        create: { verificationId: v.verificationId, ...verification },
        update: verification,
      });
    }
  }
}

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
