import { commonEnv } from '@autoverify/config';
import Type, { type Static } from 'typebox';

export const IngestEnv = Type.Object({
  ...commonEnv,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3001 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  PLATFORM_WEBHOOK_SECRET: Type.String({
    minLength: 16,
    description: 'Shared secret of the Verification-Signature HMAC.',
  }),
  PLATFORM_WEBHOOK_SECRET_PREVIOUS: Type.Optional(
    Type.String({
      minLength: 16,
      description:
        'While rotating: the webhook secret being replaced, still accepted beside PLATFORM_WEBHOOK_SECRET.',
    }),
  ),
  PLATFORM_MAPPING_RETRIES: Type.Integer({
    minimum: 0,
    maximum: 20,
    default: 12,
    description:
      'Retries (2 s doubling, at most 10 min apart) of a platform webhook whose id mapping has not arrived; 12 is about 45 minutes.',
  }),
  ENTRATA_REREAD_SPACING_MS: Type.Integer({
    minimum: 0,
    maximum: 600_000,
    default: 3_000,
    description:
      'Least time between the starts of two Entrata reads of one application: a webhook arriving sooner after a read queues its sync for then, and the webhooks meanwhile wait for that one read. 0: read at once.',
  }),
  RECONCILIATION_TICK_MS: Type.Integer({
    minimum: 100,
    maximum: 60_000,
    default: 30_000,
    description:
      'Longest sleep of the reconciliation scheduler: it wakes when the next poll falls due, and at least this often to see a due time changed by another replica or an operator.',
  }),
});
export type IngestEnv = Static<typeof IngestEnv>;
