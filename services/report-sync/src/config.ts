import { commonEnv } from '@autoverify/config';
import { platformEnv } from '@autoverify/verification-client';
import Type, { type Static } from 'typebox';

export const ReportSyncEnv = Type.Object({
  ...commonEnv,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3005 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  ...platformEnv,
  ADMIN_TOKEN: Type.Optional(
    Type.String({
      minLength: 16,
      description:
        'Bearer token of the /admin routes (support retries and re-uploads); unset = routes disabled.',
    }),
  ),
  ADMIN_TOKEN_PREVIOUS: Type.Optional(
    Type.String({
      minLength: 16,
      description: 'While rotating: the admin token being replaced, still accepted.',
    }),
  ),
  SYNC_RETRY_LIMIT: Type.Integer({
    minimum: 0,
    maximum: 50,
    default: 10,
    description: 'Retries of one sync job after its first run before the report is recorded as failed.',
  }),
  SYNC_RETRY_DELAY_SECONDS: Type.Integer({
    minimum: 1,
    maximum: 3600,
    default: 5,
    description: 'Base delay of the exponential backoff between sync job runs (5 s, 10 s, 20 s, ...).',
  }),
});
export type ReportSyncEnv = Static<typeof ReportSyncEnv>;
