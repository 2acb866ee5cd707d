import { commonEnv } from '@autoverify/config';
import Type, { type Static } from 'typebox';

export const NotifyEnv = Type.Object({
  ...commonEnv,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3004 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  SMTP_URL: Type.String({
    pattern: '^smtps?://.+',
    default: 'smtp://127.0.0.1:2525',
    description: 'smtp://user:password@host:port (smtps:// for implicit TLS)',
  }),
  SMTP_REQUIRE_TLS: Type.Optional(
    Type.Boolean({
      description:
        'Refuse to send over smtp:// unless the server offers STARTTLS. Default: on, except for a loopback or sandbox host.',
    }),
  ),
  SMTP_MAX_CONNECTIONS: Type.Integer({
    minimum: 1,
    maximum: 20,
    default: 3,
    description: 'Pooled SMTP connections, reused across messages.',
  }),
  TWILIO_BASE_URL: Type.String({ pattern: '^https?://.+', default: 'http://127.0.0.1:4000' }),
  TWILIO_ACCOUNT_SID: Type.String({ minLength: 1 }),
  TWILIO_AUTH_TOKEN: Type.String({ minLength: 1 }),
  TWILIO_AUTH_TOKEN_PREVIOUS: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'While rotating: the token being replaced, still accepted on Twilio webhook signatures.',
    }),
  ),
  NOTIFY_PUBLIC_URL: Type.String({
    pattern: '^https?://.+',
    default: 'http://127.0.0.1:3004',
    description: 'Public base URL of this service: unsubscribe links and Twilio webhook signatures use it.',
  }),
  UNSUBSCRIBE_SECRET: Type.String({ minLength: 16, description: 'Signs new unsubscribe links.' }),
  UNSUBSCRIBE_SECRET_PREVIOUS: Type.Optional(
    Type.String({
      minLength: 16,
      description: 'While rotating: the secret being replaced; links it signed still work.',
    }),
  ),
});
export type NotifyEnv = Static<typeof NotifyEnv>;
