import { commonEnv } from '@autoverify/config';
import Type, { type Static } from 'typebox';

const { TENANTS_FILE: _notNeeded, ...common } = commonEnv;

export const envSchema = Type.Object({
  ...common,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3006 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  SUPPORT_TOKENS: Type.String({
    minLength: 2,
    description: 'JSON array [{"name","sha256","scopes"}] of the tokens allowed in, or a file holding it.',
  }),
  REPORT_SYNC_URL: Type.String({ pattern: '^https?://.+', default: 'http://127.0.0.1:3005' }),
  REPORT_SYNC_ADMIN_TOKEN: Type.Optional(
    Type.String({ minLength: 16, description: "report-sync's ADMIN_TOKEN." }),
  ),
  INVITE_URL: Type.String({ pattern: '^https?://.+', default: 'http://127.0.0.1:3002' }),
  INVITE_ADMIN_TOKEN: Type.Optional(Type.String({ minLength: 16, description: "invite's ADMIN_TOKEN." })),
  GRAFANA_URL: Type.Optional(
    Type.String({
      pattern: '^https?://.+',
      description: 'Grafana base URL: the web console links trace ids to it.',
    }),
  ),
});

export type Env = Static<typeof envSchema>;
