import { createHash, randomUUID } from 'node:crypto';
import Type, { type Static } from 'typebox';
import { type ApplicantGroup, VERIFICATION_TYPES } from './store.ts';

const E164 = '^\\+[1-9][0-9]{7,14}$';
const EMAIL = '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$';

export const AuthBody = Type.Object({ client_id: Type.String(), secret_key: Type.String() });

/**
 * Documented body of POST /api/v1/applicant_groups (docs/domain.md): `applicants[{first_name, last_name,
 * email, phone_number (E.164, optional), verifications[{type}]}]`, `property{name, street_address, city,
 * state, zip_code, unit}`, `decision_maker_display_name` (required), `monthly_rent` (required, integer cents),
 * `webhook_url`, `is_invitation_disabled`, `correlation_id`. Types are `<kind>_verification`.
 */
export const CreateGroupBody = Type.Object({
  applicants: Type.Array(
    Type.Object({
      first_name: Type.String({ minLength: 1 }),
      last_name: Type.String({ minLength: 1 }),
      // Only phone_number is documented as optional; email is listed without "optional".
      email: Type.String({ pattern: EMAIL }),
      phone_number: Type.Optional(Type.String({ pattern: E164, description: 'E.164, e.g. +13035550100' })),
      verifications: Type.Array(
        Type.Object({ type: Type.Union(VERIFICATION_TYPES.map((t) => Type.Literal(t))) }),
        { minItems: 1 },
      ),
    }),
    { minItems: 1 },
  ),
  property: Type.Object({
    name: Type.String({ minLength: 1 }),
    street_address: Type.String(),
    city: Type.String(),
    state: Type.String(),
    zip_code: Type.String(),
    unit: Type.Optional(Type.String()),
  }),
  decision_maker_display_name: Type.String({ minLength: 1 }),
  // NOT DOCUMENTED: the range; negative amounts are refused.
  monthly_rent: Type.Integer({ minimum: 0, description: 'Required. In cents.' }),
  webhook_url: Type.Optional(Type.String({ pattern: '^https?://' })),
  is_invitation_disabled: Type.Optional(Type.Boolean()),
  correlation_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});
export type CreateGroupBody = Static<typeof CreateGroupBody>;

/** NOT DOCUMENTED: the body of an applicant contact update (the documented fact: it re-sends the invite). */
export const PatchApplicantBody = Type.Object(
  {
    first_name: Type.Optional(Type.String({ minLength: 1 })),
    last_name: Type.Optional(Type.String({ minLength: 1 })),
    email: Type.Optional(Type.String({ pattern: EMAIL })),
    phone_number: Type.Optional(Type.String({ pattern: E164 })),
  },
  { minProperties: 1 },
);

/**
 * Documented: 400 for validation errors, "e.g. an email address that does not exist". The sandbox's rule for
 * "does not exist": a domain under the reserved `.invalid` top-level domain (RFC 2606). The JSON pointer
 * names the applicant, like the schema errors do.
 */
export const isNonexistentEmail = (email: string): boolean => /\.invalid$/i.test(email);

export function nonexistentEmails(body: { applicants: { email?: string }[] }) {
  return body.applicants.flatMap((a, i) =>
    a.email && isNonexistentEmail(a.email)
      ? [{ path: `/applicants/${i}/email`, message: 'email address does not exist' }]
      : [],
  );
}

/** The platform's own id for a property: the same name and address give the same id, per client. */
const propertyId = (clientId: string, p: CreateGroupBody['property']) => {
  const h = createHash('sha1')
    .update([clientId, p.name, p.street_address, p.city, p.state, p.zip_code].join('\u001f'))
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export function createGroup(body: CreateGroupBody, clientId: string): ApplicantGroup {
  const now = Date.now();
  const invite = !body.is_invitation_disabled;
  const { unit, ...property } = body.property;
  return {
    id: randomUUID(),
    clientId,
    ...(body.correlation_id ? { correlationId: body.correlation_id } : {}),
    property: { id: propertyId(clientId, body.property), ...property },
    ...(unit ? { unitNumber: unit, unitId: randomUUID() } : {}),
    decisionMakerDisplayName: body.decision_maker_display_name,
    monthlyRentCents: body.monthly_rent,
    ...(body.webhook_url ? { webhookUrl: body.webhook_url } : {}),
    isInvitationDisabled: !invite,
    createdAtTimestamp: now / 1000,
    reports: [],
    applicants: body.applicants.map((a) => ({
      id: randomUUID(),
      firstName: a.first_name,
      lastName: a.last_name,
      email: a.email,
      ...(a.phone_number ? { phoneNumber: a.phone_number } : {}),
      verifications: a.verifications.map((v) => ({
        id: randomUUID(),
        type: v.type,
        status: 'not_started' as const,
      })),
      invitations: invite
        ? [
            {
              at: new Date(now).toISOString(),
              reason: 'created' as const,
              email: a.email,
              ...(a.phone_number ? { phoneNumber: a.phone_number } : {}),
            },
          ]
        : [],
    })),
  };
}
