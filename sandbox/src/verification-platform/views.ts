import {
  type ApplicantGroup,
  groupStatus,
  type PlatformApplicant,
  type PlatformSettings,
  type Status,
} from './store.ts';

/** Unique verification types across all applicants, in the order they first appear. */
const verificationTypes = (group: ApplicantGroup) => [
  ...new Set(group.applicants.flatMap((a) => a.verifications.map((v) => v.type))),
];

/**
 * The group exactly as documented (docs/domain.md "The create response echoes the group";
 * docs.payscore.com/api-reference ApplicantGroup): `id`, `status`, `monthly_rent_cents` (the request's
 * `monthly_rent`, renamed), `unit_number` (the request's `property.unit` moved to the top level),
 * `property{id,...}` (no unit), `correlation_id` and `unit_id` (nullable), `created_at_timestamp` (float Unix
 * seconds), `verification_types`, plus the schema's `decision_maker_display_name`, `is_free` and
 * `is_decision_maker_paying`. Nothing else: no applicants, no per-applicant or per-verification ids.
 *
 * `status`: the create example says "pending"; the schema enum not_started | in_progress | completed.
 */
export function documentedGroup(group: ApplicantGroup, status: Status | 'pending' = groupStatus(group)) {
  return {
    id: group.id,
    decision_maker_display_name: group.decisionMakerDisplayName,
    property: { ...group.property },
    status,
    created_at_timestamp: group.createdAtTimestamp,
    monthly_rent_cents: group.monthlyRentCents,
    // NOT DOCUMENTED: unit_number for a request without a unit; null, like the documented nullable unit_id.
    unit_number: group.unitNumber ?? null,
    unit_id: group.unitId ?? null,
    is_free: false,
    is_decision_maker_paying: true,
    correlation_id: group.correlationId ?? null,
    verification_types: verificationTypes(group),
  };
}

/** The create answer: the documented group, with the example's "pending" status. */
export const createdGroup = (group: ApplicantGroup) => documentedGroup(group, 'pending');

function applicantStatus(applicant: PlatformApplicant) {
  const statuses = applicant.verifications.map((v) => v.status);
  if (statuses.every((s) => s === 'completed')) return 'completed';
  return statuses.some((s) => s !== 'not_started') ? 'in_progress' : 'not_started';
}

/**
 * NOT DOCUMENTED: assumed shape of an applicant (ids, contact, verifications with their ids and invitation
 * links), offered by the sandbox's group read so our product can work; `invitationLinks: false` leaves the
 * links out (see PlatformSettings).
 */
export function assumedApplicant(
  applicant: PlatformApplicant,
  publicUrl: string,
  settings: Pick<PlatformSettings, 'invitationLinks'>,
) {
  return {
    id: applicant.id,
    first_name: applicant.firstName,
    last_name: applicant.lastName,
    email: applicant.email ?? null,
    phone_number: applicant.phoneNumber ?? null,
    status: applicantStatus(applicant),
    verifications: applicant.verifications.map((v) => ({
      id: v.id,
      type: v.type,
      status: v.status,
      ...(settings.invitationLinks ? { verification_url: `${publicUrl}/verify/${v.id}` } : {}),
    })),
  };
}

/**
 * NOT DOCUMENTED: GET /api/v1/applicant_groups/{id} - the documented group plus, unless switched off,
 * the assumed `applicants[]`.
 */
export function assumedGroupRead(group: ApplicantGroup, publicUrl: string, settings: PlatformSettings) {
  return {
    ...documentedGroup(group),
    ...(settings.applicantDetails
      ? { applicants: group.applicants.map((a) => assumedApplicant(a, publicUrl, settings)) }
      : {}),
  };
}

/** The sandbox's own view for the scenario API (/sandbox/platform/...): everything it knows. */
export function scenarioGroup(group: ApplicantGroup, publicUrl: string) {
  return {
    ...documentedGroup(group),
    webhook_url: group.webhookUrl ?? null,
    is_invitation_disabled: group.isInvitationDisabled,
    applicants: group.applicants.map((a) => ({
      ...assumedApplicant(a, publicUrl, { invitationLinks: true }),
      invitations: a.invitations,
    })),
    reports: group.reports.map((r) => ({
      id: r.id,
      report_type: r.type,
      applicant_id: r.applicantId ?? null,
      created_at: r.createdAt,
    })),
  };
}
