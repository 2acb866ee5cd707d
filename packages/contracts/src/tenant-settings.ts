import Type, { type Static } from 'typebox';

/** A secret is never in the settings file itself: it names an environment variable or a file. */
export const SecretRef = Type.Union([
  Type.Object({ env: Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$' }) }, { additionalProperties: false }),
  Type.Object({ file: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
]);
export type SecretRef = Static<typeof SecretRef>;

/**
 * An Entrata document (file) type as the customer's `leases/getLeasePickList` lists it: its id (a plain string,
 * as before), or its `systemCode` (Entrata's built-in types only), or its `name`. Services resolve it against
 * the customer's real pick list and name the missing type when it is not there.
 */
const fileTypeRef = (description: string) =>
  Type.Union(
    [
      Type.String({ minLength: 1, pattern: '\\S', description: 'The file type id, e.g. "7001".' }),
      Type.Object(
        { systemCode: Type.String({ minLength: 1, pattern: '\\S' }) },
        { additionalProperties: false, description: 'A built-in type by its systemCode.' },
      ),
      Type.Object(
        { name: Type.String({ minLength: 1, pattern: '\\S' }) },
        { additionalProperties: false, description: 'A type by its name, e.g. "Proof of Income".' },
      ),
    ],
    { description },
  );
export const EntrataFileTypeRef = fileTypeRef('An Entrata file type: its id, systemCode or name.');
export type EntrataFileTypeRef = Static<typeof EntrataFileTypeRef>;

const UsState = Type.String({
  pattern: '^[A-Z]{2}$',
  description: 'Two-letter US state code of the property.',
});

/** What can be set per customer and overridden per property. */
export const PropertySettings = Type.Object(
  {
    identityVerification: Type.Boolean({
      description: 'Income is always verified; identity only where enabled.',
    }),
    channels: Type.Object({ email: Type.Boolean(), sms: Type.Boolean() }, { additionalProperties: false }),
    reminders: Type.Object(
      {
        firstAfterHours: Type.Number({ exclusiveMinimum: 0, maximum: 24 * 30 }),
        intervalHours: Type.Number({ exclusiveMinimum: 0, maximum: 24 * 30 }),
        maxCount: Type.Integer({ minimum: 0, maximum: 10 }),
      },
      { additionalProperties: false },
    ),
    inviteExpiryDays: Type.Number({ exclusiveMinimum: 0, maximum: 90 }),
    monthlyRentCents: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100_000_000,
        description:
          "Monthly rent in cents the verification platform requires, when Entrata does not give it. Set it per property (a value in the defaults applies to every property without its own). Entrata's rent wins when both are known; with neither, no verification request is made and support sees InviteBlocked rent_unknown.",
      }),
    ),
    timeZone: Type.String({
      minLength: 1,
      description: 'IANA time zone of the property, e.g. America/Denver.',
    }),
    state: UsState,
    entrataFileTypes: Type.Object(
      {
        income: fileTypeRef('Entrata file type for income (and asset) reports.'),
        identity: fileTypeRef('Entrata file type for identity reports.'),
      },
      { additionalProperties: false },
    ),
    sender: Type.Object(
      {
        brandName: Type.String({ minLength: 1, maxLength: 80 }),
        emailFrom: Type.String({ format: 'email' }),
        emailFromName: Type.String({ minLength: 1, maxLength: 80 }),
        smsFrom: Type.String({ pattern: '^\\+[1-9][0-9]{7,14}$' }),
        replyTo: Type.Optional(Type.String({ format: 'email' })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type PropertySettings = Static<typeof PropertySettings>;

const PropertyOverride = Type.Partial(
  Type.Object({
    ...PropertySettings.properties,
    name: Type.String({ minLength: 1 }),
    address: Type.Object(
      {
        street: Type.String(),
        city: Type.String(),
        state: UsState,
        zip: Type.String({ pattern: '^[0-9]{5}(-[0-9]{4})?$' }),
      },
      { additionalProperties: false },
    ),
  }),
  { additionalProperties: false },
);

export const TenantSettings = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }),
    name: Type.String({ minLength: 1 }),
    entrata: Type.Object(
      {
        baseUrl: Type.String({
          format: 'uri',
          description: 'e.g. https://apis.entrata.com/ext/orgs/{org}/v1 (EU: apis.entrata.global).',
        }),
        auth: Type.Union([
          Type.Object({ type: Type.Literal('apikey'), apiKey: SecretRef }, { additionalProperties: false }),
          Type.Object(
            { type: Type.Literal('basic'), username: Type.String({ minLength: 1 }), password: SecretRef },
            { additionalProperties: false },
          ),
        ]),
        propertyIds: Type.Array(Type.String({ minLength: 1 }), {
          minItems: 1,
          description: 'Properties the reconciliation poll reads.',
        }),
        requestsPerMinute: Type.Integer({
          minimum: 1,
          maximum: 10000,
          description: 'Our own ceiling per service.',
        }),
      },
      { additionalProperties: false },
    ),
    webhook: Type.Union([
      Type.Object(
        {
          auth: Type.Literal('hmac'),
          /** Two secrets may be active at once so a rotation needs no downtime. */
          secrets: Type.Array(SecretRef, { minItems: 1, maxItems: 2 }),
          toleranceSeconds: Type.Integer({ minimum: 30, maximum: 3600 }),
        },
        { additionalProperties: false },
      ),
      Type.Object(
        {
          auth: Type.Literal('basic'),
          username: Type.String({ minLength: 1 }),
          passwords: Type.Array(SecretRef, { minItems: 1, maxItems: 2 }),
        },
        { additionalProperties: false },
      ),
    ]),
    reconciliation: Type.Object(
      {
        intervalMinutes: Type.Number({ minimum: 0.05, maximum: 1440 }),
        lookbackDays: Type.Integer({ minimum: 1, maximum: 30 }),
      },
      { additionalProperties: false },
    ),
    defaults: PropertySettings,
    properties: Type.Record(Type.String({ pattern: '^[0-9A-Za-z_-]+$' }), PropertyOverride),
  },
  { additionalProperties: false },
);
export type TenantSettings = Static<typeof TenantSettings>;

export const TenantsFile = Type.Object(
  { tenants: Type.Array(TenantSettings, { minItems: 1 }) },
  { additionalProperties: false },
);
export type TenantsFile = Static<typeof TenantsFile>;
