import type { ResolvedProperty } from '@autoverify/config';
import type { VerificationKind } from '@autoverify/contracts';
import {
  type CreateApplicantGroupRequest,
  type NewApplicant,
  platformVerificationType,
} from '@autoverify/verification-client';

export interface ApplicantForPlatform {
  firstName: string;
  lastName: string;
  email: string | null;
  mobilePhone: string | null;
}

/** Our applicant as the platform wants it (documented types `<kind>_verification`); only usable channels. */
export function toNewApplicant(a: ApplicantForPlatform, kinds: VerificationKind[]): NewApplicant {
  return {
    first_name: a.firstName,
    last_name: a.lastName,
    ...(a.email ? { email: a.email } : {}),
    ...(a.mobilePhone ? { phone_number: a.mobilePhone } : {}),
    verifications: kinds.map((kind) => ({ type: platformVerificationType(kind) })),
  };
}

/**
 * The group request (documented body). Invitations are disabled at the platform because we send our own
 * (with the customer's branding, quiet hours and opt-outs); the correlation id is our application id so a
 * retry after a crash finds the group (documented list filter) instead of creating a second one.
 * `monthly_rent` and `decision_maker_display_name` are required by the platform.
 */
export function groupRequest(input: {
  correlationId: string;
  propertyId: string;
  property: ResolvedProperty;
  monthlyRentCents: number;
  applicants: NewApplicant[];
  webhookUrl: string;
}): CreateApplicantGroupRequest {
  const { property } = input;
  return {
    applicants: input.applicants,
    property: {
      // A property without its own entry in the tenants file has no name/address there: the platform
      // still needs a name, so the property id stands in, and the address fields stay empty.
      name: property.name ?? `Property ${input.propertyId}`,
      street_address: property.address?.street ?? '',
      city: property.address?.city ?? '',
      state: property.address?.state ?? property.state,
      zip_code: property.address?.zip ?? '',
    },
    decision_maker_display_name: property.sender.brandName,
    monthly_rent: input.monthlyRentCents,
    webhook_url: input.webhookUrl,
    is_invitation_disabled: true,
    correlation_id: input.correlationId,
  };
}
