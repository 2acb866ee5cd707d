import { commonEnv } from '@autoverify/config';
import Type, { type Static } from 'typebox';

// The console serves every tenant without per-tenant settings: no tenants file (ctx.tenants throws).
const { TENANTS_FILE: _notNeeded, ...common } = commonEnv;

const AdminToken = (description: string) => Type.Optional(Type.String({ minLength: 16, description }));

export const SupportEnv = Type.Object({
  ...common,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3006 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  SUPPORT_TOKENS: Type.String({
    minLength: 2,
    description: 'JSON array [{"name","sha256","scopes"}] of the tokens allowed in, or a file holding it.',
  }),
  REPORT_SYNC_URL: Type.String({ pattern: '^https?://.+', default: 'http://127.0.0.1:3005' }),
  REPORT_SYNC_ADMIN_TOKEN: AdminToken("report-sync's ADMIN_TOKEN."),
  INVITE_URL: Type.String({ pattern: '^https?://.+', default: 'http://127.0.0.1:3002' }),
  INVITE_ADMIN_TOKEN: AdminToken("invite's ADMIN_TOKEN."),
});

export type SupportEnv = Static<typeof SupportEnv>;
