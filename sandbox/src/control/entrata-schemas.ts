import Type from 'typebox';

/** Bodies and params of the Entrata scenario API (documented at /docs). */
export const tags = ['entrata (scenario)'];
const Address = Type.Object({
  street: Type.String(),
  city: Type.String(),
  state: Type.String(),
  zip: Type.String(),
});
export const PropertyBody = Type.Object({
  propertyId: Type.Optional(Type.Integer({ minimum: 1 })),
  name: Type.String({ minLength: 1 }),
  address: Address,
});
export const OrgBody = Type.Object({
  tenantId: Type.String({
    minLength: 1,
    description: 'Our tenant id: the webhook goes to /webhooks/entrata/{tenantId}.',
  }),
  name: Type.Optional(Type.String()),
  apiKey: Type.String({ minLength: 1 }),
  basicAuth: Type.Optional(
    Type.Object({ username: Type.String({ minLength: 1 }), password: Type.String({ minLength: 1 }) }),
  ),
  webhook: Type.Optional(
    Type.Object({
      mode: Type.Optional(Type.Union([Type.Literal('hmac'), Type.Literal('basic')])),
      secret: Type.Optional(Type.String({ minLength: 1 })),
      username: Type.Optional(Type.String()),
      password: Type.Optional(Type.String()),
      url: Type.Optional(Type.String({ pattern: '^https?://' })),
      enabled: Type.Optional(Type.Boolean()),
    }),
  ),
  ingestBaseUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
  rateLimitPerMinute: Type.Optional(Type.Integer({ minimum: 1 })),
  fileTypes: Type.Optional(
    Type.Array(
      Type.Object({
        id: Type.String({ pattern: '^[0-9]+$' }),
        name: Type.String({ minLength: 1 }),
        systemCode: Type.Optional(
          Type.String({ minLength: 1, description: "Only Entrata's built-in types have one." }),
        ),
      }),
      { minItems: 1 },
    ),
  ),
  documentVisibilityDelayMs: Type.Optional(Type.Integer({ minimum: 0 })),
  properties: Type.Optional(Type.Array(PropertyBody)),
});
const CustomerType = Type.Union([
  Type.Literal('Primary'),
  Type.Literal('Co-Applicant'),
  Type.Literal('Guarantor'),
  Type.Literal('Occupant'),
]);
const Phone = Type.String({
  minLength: 1,
  description: 'Stored as given: Entrata does not normalise numbers.',
});
const Phones = Type.Object({
  personal: Type.Optional(Phone),
  cell: Type.Optional(Phone),
  office: Type.Optional(Phone),
  fax: Type.Optional(Phone),
});
export const WebhookModeSchema = Type.Union(
  [Type.Literal('deliver'), Type.Literal('drop'), Type.Literal('duplicate'), Type.Literal('none')],
  {
    description:
      'deliver once (default), drop (lost webhook), duplicate (twice, same eventId), none (no webhook).',
  },
);
export const ApplicationBody = Type.Object({
  propertyId: Type.Integer({ minimum: 1 }),
  status: Type.Optional(Type.String({ description: 'Default "Application Completed".' })),
  applicants: Type.Array(
    Type.Object({
      firstName: Type.String({ minLength: 1 }),
      lastName: Type.String({ minLength: 1 }),
      email: Type.Optional(
        Type.String({ description: 'Stored as given, even when malformed, as Entrata would.' }),
      ),
      phones: Type.Optional(Phones),
      customerType: CustomerType,
      relationshipName: Type.Optional(Type.String()),
    }),
    { minItems: 1 },
  ),
  webhook: Type.Optional(WebhookModeSchema),
});
const NullablePhone = Type.Union([Phone, Type.Null()]);
export const CustomerPatch = Type.Object(
  {
    firstName: Type.Optional(Type.String({ minLength: 1 })),
    lastName: Type.Optional(Type.String({ minLength: 1 })),
    email: Type.Optional(
      Type.Union([Type.String(), Type.Null()], { description: 'null removes the email.' }),
    ),
    phones: Type.Optional(
      Type.Object({
        personal: Type.Optional(NullablePhone),
        cell: Type.Optional(NullablePhone),
        office: Type.Optional(NullablePhone),
        fax: Type.Optional(NullablePhone),
      }),
    ),
  },
  { minProperties: 1 },
);
export const OrgParams = Type.Object({ org: Type.String() });
export const AppParams = Type.Object({ org: Type.String(), applicationId: Type.Integer() });
