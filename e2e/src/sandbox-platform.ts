/** The sandbox's own view of its verification platform (scenario API, /sandbox/platform/...). */

export interface PlatformVerification {
  id: string;
  type: 'income_verification' | 'identity_verification' | 'asset_verification';
  status: 'not_started' | 'in_progress' | 'completed';
  verification_url: string;
}

export interface PlatformApplicant {
  id: string;
  first_name: string;
  last_name: string;
  email: string | null;
  phone_number: string | null;
  status: string;
  verifications: PlatformVerification[];
}

export interface ApplicantGroup {
  id: string;
  status: string;
  correlation_id: string | null;
  monthly_rent_cents: number;
  applicants: PlatformApplicant[];
  reports: { id: string; report_type: string; applicant_id: string | null; created_at: string }[];
}

export interface PlatformSettings {
  groupReadBack: boolean;
  applicantDetails: boolean;
  invitationLinks: boolean;
  contactUpdate: boolean;
  correlationIdLookup: boolean;
  householdReportApplicantId: 'group_id' | 'omit' | 'first_applicant';
  webhookContentType: string | null;
  duplicateWebhooks: boolean;
}
