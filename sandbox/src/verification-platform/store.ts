/**
 * The verification platform's model (Payscore's public API, docs/domain.md): an applicant group is one
 * household for one application; each applicant has verifications of the documented types
 * (`<kind>_verification`); completed verifications produce reports of type income | asset | identity.
 * Income and asset reports cover the household, identity reports one applicant.
 */
export type VerificationType = 'income_verification' | 'identity_verification' | 'asset_verification';
export type ReportType = 'income' | 'identity' | 'asset';
export type Status = 'not_started' | 'in_progress' | 'completed';

export const VERIFICATION_TYPES: readonly VerificationType[] = [
  'asset_verification',
  'identity_verification',
  'income_verification',
];

/** `income_verification` -> `income`: REPORT_READY's documented report_type values. */
export const reportTypeOf = (type: VerificationType): ReportType =>
  type.slice(0, -'_verification'.length) as ReportType;

/** Documented: household reports (income; asset likewise) cover the whole group; identity one applicant. */
export const HOUSEHOLD_REPORT_TYPES: readonly ReportType[] = ['income', 'asset'];

export interface Verification {
  id: string;
  type: VerificationType;
  status: Status;
  startedAt?: string;
  completedAt?: string;
  reasonCompleted?: string;
}

export interface Invitation {
  at: string;
  reason: 'created' | 'contact_changed';
  email?: string;
  phoneNumber?: string;
}

export interface PlatformApplicant {
  id: string;
  firstName: string;
  lastName: string;
  email?: string;
  phoneNumber?: string;
  verifications: Verification[];
  /** Invitations the platform itself would have sent (it is not told to actually send anything here). */
  invitations: Invitation[];
}

export interface Report {
  id: string;
  groupId: string;
  /** Set for individual (identity) reports only. */
  applicantId?: string;
  type: ReportType;
  createdAt: string;
}

export interface PropertyInfo {
  id: string;
  name: string;
  street_address: string;
  city: string;
  state: string;
  zip_code: string;
}

export interface ApplicantGroup {
  id: string;
  clientId: string;
  correlationId?: string;
  property: PropertyInfo;
  /** The request's `property.unit`, echoed as top-level `unit_number`. */
  unitNumber?: string;
  unitId?: string;
  decisionMakerDisplayName: string;
  monthlyRentCents: number;
  webhookUrl?: string;
  isInvitationDisabled: boolean;
  /** Unix seconds with a fraction, as `created_at_timestamp` is documented. */
  createdAtTimestamp: number;
  applicants: PlatformApplicant[];
  reports: Report[];
}

/**
 * What the sandbox offers beyond the documentation, each clearly an assumption (NOT DOCUMENTED), and the
 * documented quirks it can reproduce. A test switches an assumption off to prove our side fails visibly when
 * the real platform does not offer it.
 */
export interface PlatformSettings {
  /** NOT DOCUMENTED: GET /api/v1/applicant_groups/{id} (off: 404). */
  groupReadBack: boolean;
  /** NOT DOCUMENTED: `applicants[]` with ids in that read (off: the documented group only). */
  applicantDetails: boolean;
  /** NOT DOCUMENTED: `verification_url` per verification in that read (off: no links). */
  invitationLinks: boolean;
  /** NOT DOCUMENTED path: PATCH /api/v1/applicant_groups/{id}/applicants/{applicantId} (off: 404). */
  contactUpdate: boolean;
  /** Documented in the public API reference: the list's `correlation_id` filter (off: the list 404s). */
  correlationIdLookup: boolean;
  /**
   * `applicant_id` on a household (income/asset) REPORT_READY: `group_id` as the documentation's own example
   * does, `omit` as its text allows, or `first_applicant` (a member's id: still a household report).
   */
  householdReportApplicantId: 'group_id' | 'omit' | 'first_applicant';
  /** NOT DOCUMENTED: the webhook Content-Type; null sends none. */
  webhookContentType: string | null;
  /** Send every webhook twice with identical bytes, like a provider retrying after a lost acknowledgement. */
  duplicateWebhooks: boolean;
}

export const DEFAULT_PLATFORM_SETTINGS: Readonly<PlatformSettings> = {
  groupReadBack: true,
  applicantDetails: true,
  invitationLinks: true,
  contactUpdate: true,
  correlationIdLookup: true,
  householdReportApplicantId: 'group_id',
  webhookContentType: 'application/json',
  duplicateWebhooks: false,
};

export function groupStatus(group: ApplicantGroup): Status {
  const all = group.applicants.flatMap((a) => a.verifications);
  if (all.length > 0 && all.every((v) => v.status === 'completed')) return 'completed';
  if (all.some((v) => v.status !== 'not_started')) return 'in_progress';
  return 'not_started';
}

export class PlatformStore {
  readonly groups = new Map<string, ApplicantGroup>();
  settings: PlatformSettings = { ...DEFAULT_PLATFORM_SETTINGS };

  reset(): void {
    this.groups.clear();
    this.settings = { ...DEFAULT_PLATFORM_SETTINGS };
  }

  findVerification(verificationId: string) {
    for (const group of this.groups.values()) {
      for (const applicant of group.applicants) {
        const verification = applicant.verifications.find((v) => v.id === verificationId);
        if (verification) return { group, applicant, verification };
      }
    }
    return undefined;
  }

  findApplicant(applicantId: string) {
    for (const group of this.groups.values()) {
      const applicant = group.applicants.find((a) => a.id === applicantId);
      if (applicant) return { group, applicant };
    }
    return undefined;
  }

  findReport(reportId: string) {
    for (const group of this.groups.values()) {
      const report = group.reports.find((r) => r.id === reportId);
      if (report) return { group, report };
    }
    return undefined;
  }
}
