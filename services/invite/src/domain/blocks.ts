/**
 * What support reads in InviteBlocked when an applicant is held back by something only a person can fix:
 * what happened and what to do, in plain words.
 */

/** The verification platform requires monthly_rent; we never make one up. */
export function rentUnknownDetail(propertyId: string): string {
  return (
    `No invitation was sent: the verification platform requires the monthly rent, and none is known for ` +
    `property ${propertyId}. Set the rent in Entrata, or the property's monthlyRentCents setting in the ` +
    `tenants file; the invitations go out once an update of the application carries it.`
  );
}

export type IdsProblem =
  | { kind: 'no_applicants'; groupId: string; how: string }
  | { kind: 'ambiguous_create'; correlationId: string; attemptedAt: Date }
  | { kind: 'no_link'; groupId: string; verificationKind: string }
  | { kind: 'no_verification'; groupId: string; verificationKind: string };

/**
 * The platform created (or may have created) the request, but we lack the ids or links an invitation and the
 * mapping of its webhooks need. The platform's documentation does not show them (see the verification
 * client's assumptions.ts), so this is where reality differs from what we assumed.
 */
export function idsUnavailableDetail(problem: IdsProblem): string {
  switch (problem.kind) {
    case 'no_applicants':
      return (
        `No invitation was sent: the verification platform created applicant group ${problem.groupId} but ` +
        `gave no applicant and verification ids for this applicant (${problem.how}), so no link can be sent ` +
        `and its webhooks cannot be matched. Check the group at the platform and escalate; the group is kept ` +
        `(it is never created twice) and read again on the next update of the application.`
      );
    case 'ambiguous_create':
      return (
        `No invitation was sent: an earlier request to create the verification request ` +
        `(correlation id ${problem.correlationId}, ${problem.attemptedAt.toISOString()}) got no clear answer ` +
        `and the platform offers no lookup by correlation id, so it is not created a second time. Check the ` +
        `platform for a group with that correlation id and escalate.`
      );
    case 'no_link':
      return (
        `No ${problem.verificationKind} invitation was sent: the verification platform gave no invitation ` +
        `link for it (applicant group ${problem.groupId}). Escalate to the platform.`
      );
    case 'no_verification':
      return (
        `No ${problem.verificationKind} invitation was sent: the verification platform's applicant group ` +
        `${problem.groupId} has no ${problem.verificationKind} verification for this applicant. Escalate.`
      );
  }
}
