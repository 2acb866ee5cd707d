// The journey most ingest tests start from: an application Entrata's webhook brought in, synced by ingest,
// published, and mapped to a verification group the way invite's VerificationRequested maps it. What the
// platform's webhooks (or an erasure request) then act on.
import { randomUUID } from 'node:crypto';
import { applicationIdFor, VerificationRequested } from '@autoverify/contracts';
import { buildEvent, publishEvent } from '@autoverify/messaging';
import { waitFor } from '@autoverify/testing';
import { type Applicant, type Harness, PROPERTY, submitApplication, TENANT } from './helpers.ts';

const wait = { timeoutMs: 30_000, intervalMs: 250 };

/** An applicant as ingest stored it (the snapshot), with the platform verification the mapping gave it. */
export interface MappedApplicant {
  applicantId: string;
  entrataCustomerId: string;
  email: string;
  verificationId: string;
}

type Snapshot = { applicants: Omit<MappedApplicant, 'verificationId'>[] };

/**
 * Submits an application in the sandbox (its applicants, or helpers' default household), waits until
 * ingest synced it and relayed ApplicationSubmitted, then publishes the mapping: one group, one income
 * verification per stored applicant.
 */
export async function mappedApplication(h: Harness, applicants?: Applicant[]) {
  const app = await submitApplication(h, 'deliver', applicants ? { applicants } : {});
  const entrataApplicationId = String(app.applicationId);
  const applicationId = applicationIdFor(TENANT, entrataApplicationId);
  const row = await waitFor(
    async () => {
      const found = await h.prisma.application.findUnique({ where: { applicationId } });
      return found?.status === 'synced' ? found : undefined;
    },
    { ...wait, message: 'application synced' },
  );
  const group = `grp_${randomUUID()}`;
  const mapped: MappedApplicant[] = (row.snapshot as Snapshot).applicants.map((a, i) => ({
    applicantId: a.applicantId,
    entrataCustomerId: a.entrataCustomerId,
    email: a.email,
    verificationId: `${group}-v${i}`,
  }));
  await publishEvent(
    h.admin,
    buildEvent(
      VerificationRequested,
      {
        applicationId,
        entrataApplicationId,
        propertyId: String(PROPERTY),
        applicantGroupId: group,
        applicants: mapped.map((a, i) => ({
          applicantId: a.applicantId,
          entrataCustomerId: a.entrataCustomerId,
          platformApplicantId: `${group}-a${i}`,
          verifications: [{ kind: 'income' as const, verificationId: a.verificationId }],
        })),
      },
      { tenantId: TENANT, correlationId: applicationId },
    ),
  );
  await waitFor(
    async () =>
      (await h.prisma.verificationApplicant.count({ where: { applicantGroupId: group } })) ===
        mapped.length && (await h.prisma.outboxMessage.count({ where: { publishedAt: null } })) === 0,
    { ...wait, message: 'mapping stored and ApplicationSubmitted relayed' },
  );
  return { applicationId, entrataApplicationId, group, applicants: mapped };
}
