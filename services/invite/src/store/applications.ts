/**
 * invite's applications and applicants: the submission's snapshot, the platform job's state row (claim,
 * lease, outcome) and what the platform told us per applicant. Everything here runs once or more per
 * application and is plain pg, taking a Statement (docs/architecture.md "Data access rules"): the consumer's
 * SqlTransaction (service.ts: `consumerTransactions: 'sql'`) for every ApplicationSubmitted; for the platform
 * job ctx.db.sql (its claim, release, read and create attempts, one statement each) and the completing
 * ctx.db.transaction (record-run.ts); the expiry job's and support's re-send transactions (ctx.db.transaction)
 * for what they share with it.
 */
import type { Statement } from '@autoverify/service-kit';
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

/** An application row as Prisma's model API would return it (the platform job reads it that way too). */
function applicationOf(a: ApplicationColumns): Application {
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
  };
}

/** An applicant row as Prisma's model API would return it. */
function applicantOf(p: ApplicantColumns): Applicant {
  return {
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
  return { ...applicationOf(application), applicants: await listApplicants(sql, id) };
}

/** The application; throws when it is unknown. */
export async function findApplication(sql: Statement, id: string): Promise<Application> {
  // SQL: in the platform run's completing transaction, the expiry job's and support's re-send
  // (docs/architecture.md).
  const [application] = await sql<ApplicationColumns>`SELECT * FROM applications WHERE id = ${id}::uuid`;
  if (!application) throw new Error(`application ${id} not found`);
  return applicationOf(application);
}

/** The applicant if it belongs to that application, with the application; null otherwise. */
export async function findApplicantIn(
  sql: Statement,
  applicationId: string,
  applicantId: string,
): Promise<(Applicant & { application: Application }) | null> {
  // SQL: in support's re-send transaction, which shares sendInvitations with the platform run; the same two
  // queries as Prisma's findFirst with include.
  const [applicant] = await sql<ApplicantColumns>`
    SELECT * FROM applicants WHERE id = ${applicantId}::uuid AND application_id = ${applicationId}::uuid LIMIT 1`;
  if (!applicant) return null;
  return { ...applicantOf(applicant), application: await findApplication(sql, applicant.application_id) };
}

/** The application's applicants in the order they were first submitted. */
export async function listApplicants(sql: Statement, applicationId: string): Promise<Applicant[]> {
  // SQL: read by every ApplicationSubmitted and every platform run (docs/architecture.md).
  const rows = await sql<ApplicantColumns>`
    SELECT * FROM applicants WHERE application_id = ${applicationId}::uuid ORDER BY created_at ASC`;
  return rows.map(applicantOf);
}

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

/**
 * Creates the applicants, or replaces their snapshots (their application stays), with one statement. The
 * same as one upsert per applicant in their order: of an id given twice, the last snapshot is written.
 */
export async function saveApplicants(
  sql: Statement,
  applicationId: string,
  applicants: readonly (ApplicantSnapshot & { id: string })[],
): Promise<void> {
  // ON CONFLICT DO UPDATE may touch a row once per statement: one snapshot per id.
  const rows = [...new Map(applicants.map((a) => [a.id, a])).values()];
  if (rows.length === 0) return;
  const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((a) => a[key]);
  // SQL: the consumer's write of every submission's applicants (docs/architecture.md). contact_issues and
  // contact_notes travel as JSON text per row: unnest cannot take arrays of different lengths.
  await sql`
    INSERT INTO applicants (id, application_id, entrata_customer_id, role, first_name, last_name, email,
                            mobile_phone, contact_issues, contact_notes, status, blocked_reason, blocked_detail,
                            updated_at)
    SELECT a.id, ${applicationId}::uuid, a.entrata_customer_id, a.role, a.first_name, a.last_name, a.email,
           a.mobile_phone, a.contact_issues::jsonb,
           ARRAY(SELECT jsonb_array_elements_text(a.contact_notes::jsonb)), a.status, a.blocked_reason,
           a.blocked_detail, now()
      FROM unnest(${column('id')}::uuid[], ${column('entrataCustomerId')}::text[], ${column('role')}::text[],
                  ${column('firstName')}::text[], ${column('lastName')}::text[], ${column('email')}::text[],
                  ${column('mobilePhone')}::text[], ${rows.map((a) => JSON.stringify(a.contactIssues))}::text[],
                  ${rows.map((a) => JSON.stringify(a.contactNotes))}::text[], ${column('status')}::text[],
                  ${column('blockedReason')}::text[], ${column('blockedDetail')}::text[])
           WITH ORDINALITY AS a(id, entrata_customer_id, role, first_name, last_name, email, mobile_phone,
                                contact_issues, contact_notes, status, blocked_reason, blocked_detail, n)
     ORDER BY a.n
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

/** What a claim found: the application claimed for this run, held by another run's unexpired claim, or unknown. */
export type ClaimOutcome = 'claimed' | 'busy' | 'unknown';

/**
 * Claims the application for one run of the platform job until `leaseUntil`: `busy` while another run holds
 * an unexpired claim, `unknown` when there is no such application.
 */
export async function claimApplication(
  sql: Statement,
  id: string,
  now: Date,
  leaseUntil: Date,
): Promise<ClaimOutcome> {
  // SQL: the platform job's first statement, once or more per application (docs/architecture.md): the
  // conditional update (Prisma's updateMany) and, when it claimed nothing, whether the application exists.
  const [row] = await sql<{ claimed: number; known: boolean }>`
    WITH claimed AS (
      UPDATE applications
         SET request_status = 'running', lease_until = ${leaseUntil}::timestamptz,
             request_attempts = request_attempts + 1, updated_at = now()
       WHERE id = ${id}::uuid AND (request_status <> 'running' OR lease_until < ${now}::timestamptz)
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM claimed)::int AS claimed,
           EXISTS (SELECT 1 FROM applications WHERE id = ${id}::uuid) AS known`;
  if (row?.claimed === 1) return 'claimed';
  return row?.known ? 'busy' : 'unknown';
}

/** Releases the claim after a failed run: queued again (a retry follows) or failed for good. */
export async function releaseAfterFailure(
  sql: Statement,
  id: string,
  status: 'queued' | 'failed',
  lastError: string,
): Promise<void> {
  // SQL: the platform job's one statement after a failed run (docs/architecture.md).
  await sql`
    UPDATE applications
       SET request_status = ${status}, lease_until = NULL, last_error = ${lastError}, updated_at = now()
     WHERE id = ${id}::uuid`;
}

/** Releases the claim after a completed run; throws when the application is unknown. */
export async function finishRun(
  sql: Statement,
  id: string,
  outcome: {
    applicantGroupId: string | null;
    requestStatus: 'queued' | 'waiting_for_rent' | 'done';
    lastError: string | null;
  },
): Promise<void> {
  // SQL: in the platform run's completing transaction (record-run.ts).
  const rows = await sql`
    UPDATE applications
       SET applicant_group_id = ${outcome.applicantGroupId}, request_status = ${outcome.requestStatus},
           last_error = ${outcome.lastError}, lease_until = NULL, updated_at = now()
     WHERE id = ${id}::uuid
    RETURNING 1`;
  if (rows.length !== 1) throw new Error(`application ${id} not found to finish its run`);
}

/** A run's platform ids and the contact the platform accepted, per applicant. */
export interface PlatformApplicantRecord {
  id: string;
  groupId: string;
  applicantId: string;
  email: string | null;
  phone: string | null;
  verifications: PlatformVerificationRef[];
}

/** Records the platform ids and accepted contacts with one statement: the applicants are invited from now on. */
export async function recordPlatformApplicants(
  sql: Statement,
  records: readonly PlatformApplicantRecord[],
): Promise<void> {
  if (records.length === 0) return;
  const column = <K extends keyof PlatformApplicantRecord>(key: K) => records.map((r) => r[key]);
  // SQL: in the platform run's completing transaction (record-run.ts). platform_verifications is JSON text
  // per row (pg would send an array as a PostgreSQL array).
  const rows = await sql<{ id: string }>`
    UPDATE applicants AS a
       SET status = 'requested', platform_group_id = r.group_id, platform_applicant_id = r.platform_applicant_id,
           platform_email = r.email, platform_phone = r.phone, platform_verifications = r.verifications::jsonb,
           waiting_for = NULL, updated_at = now()
      FROM unnest(${column('id')}::uuid[], ${column('groupId')}::text[], ${column('applicantId')}::text[],
                  ${column('email')}::text[], ${column('phone')}::text[],
                  ${records.map((r) => JSON.stringify(r.verifications))}::text[])
           AS r(id, group_id, platform_applicant_id, email, phone, verifications)
     WHERE a.id = r.id
    RETURNING a.id::text AS id`;
  const found = new Set(rows.map((row) => row.id));
  const missing = records.find((r) => !found.has(r.id.toLowerCase()));
  if (missing) throw new Error(`applicant ${missing.id} not found for its platform ids`);
}

/** The contact the platform has after an update: later invites go there. */
export async function recordPlatformContact(
  sql: Statement,
  id: string,
  email: string | null,
  phone: string | null,
): Promise<void> {
  // SQL: in the platform run's completing transaction (record-run.ts).
  const rows = await sql`
    UPDATE applicants SET platform_email = ${email}, platform_phone = ${phone}, updated_at = now()
     WHERE id = ${id}::uuid
    RETURNING 1`;
  if (rows.length !== 1) throw new Error(`applicant ${id} not found for its platform contact`);
}

export async function markRejected(sql: Statement, id: string, detail: string): Promise<void> {
  // SQL: in the platform run's completing transaction (record-run.ts).
  const rows = await sql`
    UPDATE applicants
       SET status = 'rejected', blocked_reason = 'platform_rejected', blocked_detail = ${detail},
           updated_at = now()
     WHERE id = ${id}::uuid
    RETURNING 1`;
  if (rows.length !== 1) throw new Error(`applicant ${id} not found to mark rejected`);
}

/**
 * An applicant held back: in a group whose ids we lack (`groupId`) it is read again later; without a group
 * (an unanswered create) it stays pending, so each later run looks the group up again. `waitingFor` records
 * what was reported, so it is reported once.
 */
export async function markHeld(
  sql: Statement,
  id: string,
  held: { groupId?: string | undefined; waitingFor?: 'rent_unknown' | 'platform_ids_unavailable' },
): Promise<void> {
  const groupId = held.groupId || null;
  const waitingFor = held.waitingFor ?? null;
  // SQL: in the platform run's completing transaction (record-run.ts, send-invites.ts); what is not given
  // keeps its value, as Prisma's update without the field.
  const rows = await sql`
    UPDATE applicants
       SET status = CASE WHEN ${groupId}::text IS NULL THEN status ELSE 'ids_unavailable' END,
           platform_group_id = COALESCE(${groupId}::text, platform_group_id),
           waiting_for = COALESCE(${waitingFor}::text, waiting_for),
           updated_at = now()
     WHERE id = ${id}::uuid
    RETURNING 1`;
  if (rows.length !== 1) throw new Error(`applicant ${id} not found to hold it`);
}

/** The verifications recorded on an applicant row (`platform_verifications`). */
export function verificationsOf(applicant: Applicant): PlatformVerificationRef[] {
  return Array.isArray(applicant.platformVerifications)
    ? (applicant.platformVerifications as unknown as PlatformVerificationRef[])
    : [];
}

/** A create sent for this correlation id, if any. */
export async function findPlatformCreate(
  sql: Statement,
  correlationId: string,
): Promise<{ attemptedAt: Date } | null> {
  // SQL: the platform job runs on plain pg (docs/architecture.md).
  const [row] = await sql<{ attempted_at: Date }>`
    SELECT attempted_at FROM platform_creates WHERE correlation_id = ${correlationId}`;
  return row ? { attemptedAt: row.attempted_at } : null;
}

/** Committed before a create is sent, so a later run knows a group may exist. */
export async function recordCreateAttempt(
  sql: Statement,
  correlationId: string,
  applicationId: string,
  at: Date,
): Promise<void> {
  // SQL: one statement before each create (docs/architecture.md); Prisma's upsert.
  await sql`
    INSERT INTO platform_creates (correlation_id, application_id, attempted_at)
    VALUES (${correlationId}, ${applicationId}::uuid, ${at}::timestamptz)
    ON CONFLICT (correlation_id) DO UPDATE SET attempted_at = EXCLUDED.attempted_at`;
}
