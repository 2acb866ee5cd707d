import { commonEnv } from '@autoverify/config';
import { platformEnv } from '@autoverify/verification-client';
import Type, { type Static } from 'typebox';

export const InviteEnv = Type.Object({
  ...commonEnv,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3002 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  ...platformEnv,
  ADMIN_TOKEN: Type.Optional(
    Type.String({
      minLength: 16,
      description: 'Bearer token of the /admin routes (support re-sends invites); unset = routes answer 404.',
    }),
  ),
  ADMIN_TOKEN_PREVIOUS: Type.Optional(
    Type.String({
      minLength: 16,
      description: 'While rotating: the admin token being replaced, still accepted beside ADMIN_TOKEN.',
    }),
  ),
  INGEST_PUBLIC_URL: Type.String({
    pattern: '^https?://.+',
    default: 'http://127.0.0.1:3001',
    description:
      "Public base URL of ingest: the platform's webhooks go to {INGEST_PUBLIC_URL}/webhooks/verification-platform.",
  }),
});
export type InviteEnv = Static<typeof InviteEnv>;

export const platformWebhookUrl = (ingestPublicUrl: string): string =>
  `${ingestPublicUrl.replace(/\/+$/, '')}/webhooks/verification-platform`;
