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
  TWILIO_BASE_URL: Type.String({ pattern: '^https?://.+', default: 'http://127.0.0.1:4000' }),
  TWILIO_ACCOUNT_SID: Type.String({ minLength: 1 }),
  TWILIO_AUTH_TOKEN: Type.String({ minLength: 1 }),
  NOTIFY_PUBLIC_URL: Type.String({
    pattern: '^https?://.+',
    default: 'http://127.0.0.1:3004',
    description: 'Public base URL of this service: unsubscribe links and Twilio webhook signatures use it.',
  }),
  UNSUBSCRIBE_SECRET: Type.String({ minLength: 16, description: 'Signs unsubscribe links; keep it stable.' }),
});
export type NotifyEnv = Static<typeof NotifyEnv>;
