import type { Logger } from '@autoverify/logger';
import type { RetryPolicy } from './retry-policy.ts';

/**
 * The platform's verification types, as documented: the pattern `<kind>_verification` (the request example
 * uses `asset_verification`, the schema enum begins `asset_verification`, `identity_ve...`). Never bare `income`.
 */
export type PlatformVerificationType = 'income_verification' | 'identity_verification' | 'asset_verification';
/** Our name for a verification (and the documented `report_type` values of REPORT_READY). */
export type VerificationKind = 'income' | 'identity' | 'asset';
/** Documented: the create example says "pending"; the schema enum says not_started | in_progress | completed. */
export type GroupStatus = 'not_started' | 'in_progress' | 'completed' | 'pending';

/** Wire shape of POST /api/v1/applicant_groups (snake_case, as documented). */
export interface CreateApplicantGroupRequest {
  applicants: NewApplicant[];
  property: {
    name: string;
    street_address: string;
    city: string;
    state: string;
    zip_code: string;
    /** The platform echoes it as the group's top-level `unit_number`. */
    unit?: string;
  };
  /** Required. */
  decision_maker_display_name: string;
  /** Required, integer cents (echoed as `monthly_rent_cents`). */
  monthly_rent: number;
  webhook_url: string;
  /** True when we send our own invitations. */
  is_invitation_disabled: boolean;
  /** Our application id: the documented list filter finds the group again after a crash. */
  correlation_id: string;
}

export interface NewApplicant {
  first_name: string;
  last_name: string;
  email?: string;
  /** E.164; the platform texts only when given. */
  phone_number?: string;
  verifications: { type: PlatformVerificationType }[];
}

export interface ApplicantContactUpdate {
  email?: string;
  phone_number?: string;
}

/** The group as documented (create response, list item), parsed tolerantly (see wire.ts). */
export interface ApplicantGroup {
  id: string;
  status: GroupStatus | 'unknown';
  correlationId: string | undefined;
  monthlyRentCents: number | undefined;
  unitNumber: string | undefined;
  unitId: string | undefined;
  propertyId: string | undefined;
  /** From `created_at_timestamp` (float Unix seconds). */
  createdAt: Date | undefined;
  /** `verification_types`, kept as sent (unknown values do not break parsing). */
  verificationTypes: string[];
  /**
   * NOT DOCUMENTED (assumptions.ts): the applicants with their ids and links, only when the answer carries
   * them. Undefined means the platform did not give them: callers must not guess.
   */
  applicants: PlatformApplicant[] | undefined;
}

/** NOT DOCUMENTED: see assumptions.ts. */
export interface PlatformApplicant {
  id: string;
  firstName: string | undefined;
  lastName: string | undefined;
  email: string | undefined;
  phoneNumber: string | undefined;
  status: GroupStatus | 'unknown';
  /** Invitation link for the applicant as a whole, when the platform gives one. */
  link: string | undefined;
  verifications: PlatformVerification[];
}

/** NOT DOCUMENTED: see assumptions.ts. */
export interface PlatformVerification {
  id: string;
  /** Our kind when the type is one we know (`income_verification` or `income`), else undefined. */
  kind: VerificationKind | undefined;
  /** The type as the platform sent it. */
  type: string;
  status: GroupStatus | 'unknown';
  link: string | undefined;
}

/**
 * Documented (public API reference) report data, GET /api/v1/reports/{id}: whose report it is and where its
 * PDF is. The ids and type are documented but read tolerantly: absent ones are undefined, never guessed.
 */
export interface ReportData {
  reportId: string | undefined;
  /** income | identity | asset, as the platform sent it. */
  reportType: string | undefined;
  applicantGroupId: string | undefined;
  /** Individual (identity) reports only. */
  applicantId: string | undefined;
  /** Pre-signed link to the PDF. */
  pdfUrl: string;
}

export interface Report {
  bytes: Buffer;
  contentType: string;
}

export interface VerificationClientOptions {
  baseUrl: string;
  clientId: string;
  secretKey: string;
  logger: Logger;
  /** Per attempt, headers and body each; default 10 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Pooled connections to the platform; default 10. */
  connections?: number;
  /** Largest API answer read (JSON); default 5 MiB. A larger one fails with kind `response_too_large`. */
  maxResponseBytes?: number;
  /** Largest report PDF downloaded; default 50 MiB. */
  maxReportBytes?: number;
}

export interface VerificationClient {
  /** Documented: POST /api/v1/applicant_groups, 200. NOT idempotent: never retried after an ambiguous failure. */
  createApplicantGroup(body: CreateApplicantGroupRequest): Promise<ApplicantGroup>;
  /** NOT DOCUMENTED (assumed): GET /api/v1/applicant_groups/{id}, the group with its applicants. */
  getApplicantGroup(groupId: string): Promise<ApplicantGroup>;
  /** Documented list filter: GET /api/v1/applicant_groups?correlation_id=. */
  findApplicantGroupByCorrelationId(correlationId: string): Promise<ApplicantGroup | undefined>;
  /** NOT DOCUMENTED (assumed): POST /api/v1/applicant_groups/{id}/applicants. */
  addApplicant(groupId: string, applicant: NewApplicant): Promise<PlatformApplicant>;
  /** NOT DOCUMENTED path (assumed): PATCH /api/v1/applicant_groups/{id}/applicants/{applicantId}. */
  updateApplicant(
    groupId: string,
    applicantId: string,
    update: ApplicantContactUpdate,
  ): Promise<PlatformApplicant>;
  /** Documented: GET /api/v1/reports/{id}, the report data (its group, type and `pdf_url`). */
  getReport(reportId: string): Promise<ReportData>;
  /** The PDF behind the report data's pre-signed `pdf_url` (our token is never sent there); checked complete. */
  downloadReport(reportId: string, report: Pick<ReportData, 'pdfUrl'>): Promise<Report>;
  close(): Promise<void>;
}
