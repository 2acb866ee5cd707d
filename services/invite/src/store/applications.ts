/**
 * invite's applications and applicants: the submission's snapshot, the platform job's state row (claim,
 * lease, outcome) and what the platform told us per applicant. Every function takes the transaction (or,
 * for a read outside one, ctx.db.client) first; Prisma's model API throughout.
 */
import type { Tx } from '../db.ts';
import type { PlatformVerificationRef } from '../domain/invites.ts';
import type { Applicant, Application } from '../generated/prisma/client.ts';

export type { Applicant, Application } from '../generated/prisma/client.ts';
export type ApplicationWithApplicants = Application & { applicants: Applicant[] };

/** The application with its applicants in the order they were first submitted; null when unknown. */
export const findApplicationWithApplicants = (
  tx: Tx,
  id: string,
): Promise<ApplicationWithApplicants | null> =>
  tx.application.findUnique({ where: { id }, include: { applicants: { orderBy: { createdAt: 'asc' } } } });

export const findApplication = (tx: Tx, id: string): Promise<Application> =>
  tx.application.findUniqueOrThrow({ where: { id } });

/** The applicant if it belongs to that application, with the application; null otherwise. */
export const findApplicantIn = (tx: Tx, applicationId: string, applicantId: string) =>
  tx.applicant.findFirst({ where: { id: applicantId, applicationId }, include: { application: true } });

export const listApplicants = (tx: Tx, applicationId: string): Promise<Applicant[]> =>
  tx.applicant.findMany({ where: { applicationId }, orderBy: { createdAt: 'asc' } });

export interface NewApplication {
  id: string;
  tenantId: string;
  entrataApplicationId: string;
  propertyId: string;
  submittedAt: Date;
}

/** The rent a submission carried: `{}` when it carried none (a known rent is never cleared). */
export type RentUpdate = { monthlyRentCents: number; rentSource: string | null } | Record<string, never>;

export const createApplication = (tx: Tx, application: NewApplication, rent: RentUpdate) =>
  tx.application.create({ data: { ...application, ...rent } });

export const setRent = (tx: Tx, id: string, rent: RentUpdate) =>
  tx.application.update({ where: { id }, data: rent });

/** What a submission says about an applicant, and what invite decided from it. */
export interface ApplicantSnapshot {
  entrataCustomerId: string;
  role: string;
  firstName: string;
  lastName: string;
  email: string | null;
  mobilePhone: string | null;
  contactIssues: object[];
  contactNotes: string[];
  status: string;
  blockedReason: string | null;
  blockedDetail: string | null;
}

export const saveApplicant = (tx: Tx, applicationId: string, id: string, snapshot: ApplicantSnapshot) =>
  tx.applicant.upsert({
    where: { id },
    create: { id, applicationId, ...snapshot },
    update: snapshot,
  });

/**
 * Marks the application as having platform work and returns the new revision (the job's key). A running job
 * keeps its claim (status running); the job queued for this revision runs after it and sees the change.
 */
export async function queuePlatformWork(tx: Tx, id: string): Promise<number> {
  const { revision } = await tx.application.update({
    where: { id },
    data: { revision: { increment: 1 } },
  });
  await tx.application.updateMany({
    where: { id, requestStatus: { not: 'running' } },
    data: { requestStatus: 'queued' },
  });
  return revision;
}

/**
 * Claims the application for one run of the platform job until `leaseUntil`: false while another run holds
 * an unexpired claim (or the application is unknown).
 */
export async function claimApplication(tx: Tx, id: string, now: Date, leaseUntil: Date): Promise<boolean> {
  const { count } = await tx.application.updateMany({
    where: { id, OR: [{ requestStatus: { not: 'running' } }, { leaseUntil: { lt: now } }] },
    data: { requestStatus: 'running', leaseUntil, requestAttempts: { increment: 1 } },
  });
  return count === 1;
}

export const applicationExists = async (tx: Tx, id: string): Promise<boolean> =>
  (await tx.application.count({ where: { id } })) > 0;

/** Releases the claim after a failed run: queued again (a retry follows) or failed for good. */
export const releaseAfterFailure = (tx: Tx, id: string, status: 'queued' | 'failed', lastError: string) =>
  tx.application.updateMany({ where: { id }, data: { requestStatus: status, leaseUntil: null, lastError } });

/** Releases the claim after a completed run. */
export const finishRun = (
  tx: Tx,
  id: string,
  outcome: {
    applicantGroupId: string | null;
    requestStatus: 'queued' | 'waiting_for_rent' | 'done';
    lastError: string | null;
  },
) => tx.application.update({ where: { id }, data: { ...outcome, leaseUntil: null } });

/** The platform ids and the contact it accepted: the applicant is invited from now on. */
export const recordPlatformApplicant = (
  tx: Tx,
  id: string,
  platform: {
    groupId: string;
    applicantId: string;
    email: string | null;
    phone: string | null;
    verifications: PlatformVerificationRef[];
  },
) =>
  tx.applicant.update({
    where: { id },
    data: {
      status: 'requested',
      platformGroupId: platform.groupId,
      platformApplicantId: platform.applicantId,
      platformEmail: platform.email,
      platformPhone: platform.phone,
      platformVerifications: platform.verifications as unknown as object[],
      waitingFor: null,
    },
  });

/** The contact the platform has after an update: later invites go there. */
export const recordPlatformContact = (tx: Tx, id: string, email: string | null, phone: string | null) =>
  tx.applicant.update({ where: { id }, data: { platformEmail: email, platformPhone: phone } });

export const markRejected = (tx: Tx, id: string, detail: string) =>
  tx.applicant.update({
    where: { id },
    data: { status: 'rejected', blockedReason: 'platform_rejected', blockedDetail: detail },
  });

/**
 * An applicant held back: in a group whose ids we lack (`groupId`) it is read again later; without a group
 * (an unanswered create) it stays pending, so each later run looks the group up again. `waitingFor` records
 * what was reported, so it is reported once.
 */
export const markHeld = (
  tx: Tx,
  id: string,
  held: { groupId?: string | undefined; waitingFor?: 'rent_unknown' | 'platform_ids_unavailable' },
) =>
  tx.applicant.update({
    where: { id },
    data: {
      ...(held.groupId ? { status: 'ids_unavailable', platformGroupId: held.groupId } : {}),
      ...(held.waitingFor ? { waitingFor: held.waitingFor } : {}),
    },
  });

/** The verifications recorded on an applicant row (`platform_verifications`). */
export function verificationsOf(applicant: Applicant): PlatformVerificationRef[] {
  return Array.isArray(applicant.platformVerifications)
    ? (applicant.platformVerifications as unknown as PlatformVerificationRef[])
    : [];
}

export const findPlatformCreate = (tx: Tx, correlationId: string) =>
  tx.platformCreate.findUnique({ where: { correlationId } });

/** Committed before a create is sent, so a later run knows a group may exist. */
export const recordCreateAttempt = (tx: Tx, correlationId: string, applicationId: string, at: Date) =>
  tx.platformCreate.upsert({
    where: { correlationId },
    create: { correlationId, applicationId, attemptedAt: at },
    update: { attemptedAt: at },
  });
