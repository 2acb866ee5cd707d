/**
 * invite's applications and applicants: the submission's snapshot, the platform job's state row (claim,
 * lease, outcome) and what the platform told us per applicant. What runs for every ApplicationSubmitted (the
 * read, the application and applicant writes, the platform-work revision) is plain pg and takes a Statement:
 * the consumer's SqlTransaction (service.ts: `consumerTransactions: 'sql'`), or ctx.db.sql for the platform
 * job's read outside a transaction (docs/architecture.md "Data access rules"). The platform job's writes take
 * Prisma's transaction (or, for a read outside one, ctx.db.client) first and use its model API.
 */
import type { Statement } from '@autoverify/service-kit';
import type { Tx } from '../db.ts';
import type { PlatformVerificationRef } from '../domain/invites.ts';
import type { Applicant, Application } from '../generated/prisma/client.ts';

export type { Applicant, Application } from '../generated/prisma/client.ts';
export type ApplicationWithApplicants = Application & { applicants: Applicant[] };

/** The columns of `applications`, as plain SQL (`SELECT *`) reads them. */
interface ApplicationColumns {
  id: string;
  tenant_id: string;
  entrata_application_id: string;
  property_id: string;
  submitted_at: Date;
  request_status: string;
  request_attempts: number;
  revision: number;
  lease_until: Date | null;
  last_error: string | null;
  applicant_group_id: string | null;
  monthly_rent_cents: number | null;
  rent_source: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The columns of `applicants`, as plain SQL (`SELECT *`) reads them. */
interface ApplicantColumns {
  id: string;
  application_id: string;
  entrata_customer_id: string;
  role: string;
  first_name: string;
  last_name: string;
  email: string | null;
  mobile_phone: string | null;
  contact_issues: Applicant['contactIssues'];
  status: string;
  blocked_reason: string | null;
  blocked_detail: string | null;
  waiting_for: string | null;
  contact_notes: string[];
  platform_group_id: string | null;
  platform_applicant_id: string | null;
  platform_email: string | null;
  platform_phone: string | null;
  platform_verifications: Applicant['platformVerifications'];
  created_at: Date;
  updated_at: Date;
}

/** The rows as Prisma's model API would return them (the platform job reads them that way too). */
function rowsOf(a: ApplicationColumns, applicants: ApplicantColumns[]): ApplicationWithApplicants {
  return {
    id: a.id,
    tenantId: a.tenant_id,
    entrataApplicationId: a.entrata_application_id,
    propertyId: a.property_id,
    submittedAt: a.submitted_at,
    requestStatus: a.request_status,
    requestAttempts: a.request_attempts,
    revision: a.revision,
    leaseUntil: a.lease_until,
    lastError: a.last_error,
    applicantGroupId: a.applicant_group_id,
    monthlyRentCents: a.monthly_rent_cents,
    rentSource: a.rent_source,
    createdAt: a.created_at,
    updatedAt: a.updated_at,
    applicants: applicants.map((p) => ({
      id: p.id,
      applicationId: p.application_id,
      entrataCustomerId: p.entrata_customer_id,
      role: p.role,
      firstName: p.first_name,
      lastName: p.last_name,
      email: p.email,
      mobilePhone: p.mobile_phone,
      contactIssues: p.contact_issues,
      status: p.status,
      blockedReason: p.blocked_reason,
      blockedDetail: p.blocked_detail,
      waitingFor: p.waiting_for,
      contactNotes: p.contact_notes,
      platformGroupId: p.platform_group_id,
      platformApplicantId: p.platform_applicant_id,
      platformEmail: p.platform_email,
      platformPhone: p.platform_phone,
      platformVerifications: p.platform_verifications,
      createdAt: p.created_at,
      updatedAt: p.updated_at,
    })),
  };
}

/** The application with its applicants in the order they were first submitted; null when unknown. */
export async function findApplicationWithApplicants(
  sql: Statement,
  id: string,
): Promise<ApplicationWithApplicants | null> {
  // SQL: the first read of every ApplicationSubmitted (docs/architecture.md); the same two queries as
  // Prisma's findUnique with include.
  const [application] = await sql<ApplicationColumns>`SELECT * FROM applications WHERE id = ${id}::uuid`;
  if (!application) return null;
  const applicants = await sql<ApplicantColumns>`
    SELECT * FROM applicants WHERE application_id = ${id}::uuid ORDER BY created_at ASC`;
  return rowsOf(application, applicants);
}

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

/** The rent a submission carried. */
export interface KnownRent {
  monthlyRentCents: number;
  rentSource: string | null;
}

/** A first submission's application, with the rent it carried (none: unknown). */
export async function createApplication(
  sql: Statement,
  a: NewApplication,
  rent: KnownRent | undefined,
): Promise<void> {
  // SQL: the consumer's write for a first submission (docs/architecture.md).
  await sql`
    INSERT INTO applications (id, tenant_id, entrata_application_id, property_id, submitted_at,
                              monthly_rent_cents, rent_source, updated_at)
    VALUES (${a.id}::uuid, ${a.tenantId}, ${a.entrataApplicationId}, ${a.propertyId},
            ${a.submittedAt}::timestamptz, ${rent?.monthlyRentCents ?? null}::int, ${rent?.rentSource ?? null},
            now())`;
}

/** The rent of a later submission that carried one (a known rent is never cleared); throws when the application is unknown. */
export async function setRent(sql: Statement, id: string, rent: KnownRent): Promise<void> {
  // SQL: the consumer's write for a later submission (docs/architecture.md).
  const rows = await sql`
    UPDATE applications
       SET monthly_rent_cents = ${rent.monthlyRentCents}::int, rent_source = ${rent.rentSource}, updated_at = now()
     WHERE id = ${id}::uuid
    RETURNING 1`;
  if (rows.length !== 1) throw new Error(`application ${id} not found for its rent`);
}

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

/** Creates the applicant, or replaces its snapshot (its application stays). */
export async function saveApplicant(
  sql: Statement,
  applicationId: string,
  id: string,
  a: ApplicantSnapshot,
): Promise<void> {
  // SQL: the consumer's write per applicant of every submission (docs/architecture.md). contact_issues is
  // JSON text (pg would send an array as a PostgreSQL array); contact_notes a text[].
  await sql`
    INSERT INTO applicants (id, application_id, entrata_customer_id, role, first_name, last_name, email,
                            mobile_phone, contact_issues, contact_notes, status, blocked_reason, blocked_detail,
                            updated_at)
    VALUES (${id}::uuid, ${applicationId}::uuid, ${a.entrataCustomerId}, ${a.role}, ${a.firstName}, ${a.lastName},
            ${a.email}, ${a.mobilePhone}, ${JSON.stringify(a.contactIssues)}::jsonb, ${a.contactNotes}::text[],
            ${a.status}, ${a.blockedReason}, ${a.blockedDetail}, now())
    ON CONFLICT (id) DO UPDATE
       SET entrata_customer_id = EXCLUDED.entrata_customer_id, role = EXCLUDED.role,
           first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, email = EXCLUDED.email,
           mobile_phone = EXCLUDED.mobile_phone, contact_issues = EXCLUDED.contact_issues,
           contact_notes = EXCLUDED.contact_notes, status = EXCLUDED.status,
           blocked_reason = EXCLUDED.blocked_reason, blocked_detail = EXCLUDED.blocked_detail,
           updated_at = now()`;
}

/**
 * Marks the application as having platform work and returns the new revision (the job's key). A running job
 * keeps its claim (status running); the job queued for this revision runs after it and sees the change.
 */
export async function queuePlatformWork(sql: Statement, id: string): Promise<number> {
  // SQL: in the consumer's transaction (docs/architecture.md); Prisma's update and conditional updateMany
  // as one statement.
  const [row] = await sql<{ revision: number }>`
    UPDATE applications
       SET revision = revision + 1,
           request_status = CASE WHEN request_status = 'running' THEN request_status ELSE 'queued' END,
           updated_at = now()
     WHERE id = ${id}::uuid
    RETURNING revision`;
  if (!row) throw new Error(`application ${id} not found for its platform work`);
  return row.revision;
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
