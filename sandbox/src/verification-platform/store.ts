/**
 * The verification platform's model (Payscore-like): an applicant group is one household for one
 * application; each applicant has verifications (income, identity, asset); completed verifications produce
 * reports. Income and asset reports cover the household, identity reports one applicant.
 */
export type VerificationType = 'income' | 'identity' | 'asset';
export type Status = 'not_started' | 'in_progress' | 'completed';

export const HOUSEHOLD_REPORT_TYPES: readonly VerificationType[] = ['income', 'asset'];

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
  type: VerificationType;
  createdAt: string;
}

export interface PropertyInfo {
  name: string;
  street_address: string;
  city: string;
  state: string;
  zip_code: string;
  unit?: string;
}

export interface ApplicantGroup {
  id: string;
  clientId: string;
  correlationId?: string;
  property: PropertyInfo;
  decisionMakerDisplayName: string;
  monthlyRentCents?: number;
  webhookUrl: string;
  isInvitationDisabled: boolean;
  createdAt: string;
  applicants: PlatformApplicant[];
  reports: Report[];
}

export function groupStatus(group: ApplicantGroup): Status {
  const all = group.applicants.flatMap((a) => a.verifications);
  if (all.length > 0 && all.every((v) => v.status === 'completed')) return 'completed';
  if (all.some((v) => v.status !== 'not_started')) return 'in_progress';
  return 'not_started';
}

export class PlatformStore {
  readonly groups = new Map<string, ApplicantGroup>();
  /** Whether every webhook is sent twice (same event_id), to exercise receivers' de-duplication. */
  duplicateWebhooks = false;

  reset(): void {
    this.groups.clear();
    this.duplicateWebhooks = false;
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
