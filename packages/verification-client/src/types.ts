import type { Logger } from '@autoverify/logger';
import type { RetryPolicy } from './backoff.ts';

export type VerificationType = 'income' | 'identity' | 'asset';
export type GroupStatus = 'not_started' | 'in_progress' | 'completed' | 'pending';

/** Wire shape of POST /api/v1/applicant_groups (snake_case, as the platform documents it). */
export interface CreateApplicantGroupRequest {
  applicants: NewApplicant[];
  property: {
    name: string;
    street_address: string;
    city: string;
    state: string;
    zip_code: string;
    unit?: string;
  };
  decision_maker_display_name?: string;
  /** In cents. */
  monthly_rent?: number;
  webhook_url: string;
  /** True when we send our own invitations. */
  is_invitation_disabled: boolean;
  /** Our application id: lets us find the group again after a crash. */
  correlation_id: string;
}

export interface NewApplicant {
  first_name: string;
  last_name: string;
  email?: string;
  /** E.164 */
  phone_number?: string;
  verifications: { type: VerificationType }[];
}

export interface ApplicantContactUpdate {
  email?: string;
  phone_number?: string;
}

/** The group as the platform echoes it, parsed tolerantly (see wire.ts). */
export interface ApplicantGroup {
  id: string;
  status: GroupStatus | 'unknown';
  correlationId: string | undefined;
  monthlyRentCents: number | undefined;
  link: string | undefined;
  applicants: PlatformApplicant[];
}

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

export interface PlatformVerification {
  id: string;
  /** income | identity | asset; kept as a string so an unknown type does not break parsing. */
  type: string;
  status: GroupStatus | 'unknown';
  link: string | undefined;
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
}

export interface VerificationClient {
  createApplicantGroup(body: CreateApplicantGroupRequest): Promise<ApplicantGroup>;
  getApplicantGroup(groupId: string): Promise<ApplicantGroup>;
  findApplicantGroupByCorrelationId(correlationId: string): Promise<ApplicantGroup | undefined>;
  addApplicant(groupId: string, applicant: NewApplicant): Promise<PlatformApplicant>;
  updateApplicant(
    groupId: string,
    applicantId: string,
    update: ApplicantContactUpdate,
  ): Promise<PlatformApplicant>;
  fetchReport(reportId: string): Promise<Report>;
  close(): Promise<void>;
}
