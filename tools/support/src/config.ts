import { commonEnv } from '@autoverify/config';
import type { ServiceName } from '@autoverify/contracts';
import Type, { type Static } from 'typebox';
import type { ServiceEndpoint } from './console/reruns.ts';

// The console serves every tenant without per-tenant settings: no tenants file (ctx.tenants throws).
// commonEnv's ADMIN_TOKEN guards only service-kit's outbox routes here (support's own outbox stays empty:
// replays and redrives are published directly); the console's API takes the personal SUPPORT_TOKENS.
const { TENANTS_FILE: _notNeeded, ...common } = commonEnv;

const AdminToken = (description: string) => Type.Optional(Type.String({ minLength: 16, description }));
const ServiceUrl = (port: number) =>
  Type.String({ pattern: '^https?://[^\\s/]+(/\\S*)?$', default: `http://127.0.0.1:${port}` });

export const SupportEnv = Type.Object({
  ...common,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3006 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  SUPPORT_TOKENS: Type.String({
    minLength: 2,
    description: 'JSON array [{"name","sha256","scopes"}] of the tokens allowed in, or a file holding it.',
  }),
  // Each service's admin API: re-runs (invite, report-sync) and set-aside outbox rows (every service).
  INGEST_URL: ServiceUrl(3001),
  INGEST_ADMIN_TOKEN: AdminToken("ingest's ADMIN_TOKEN."),
  INVITE_URL: ServiceUrl(3002),
  INVITE_ADMIN_TOKEN: AdminToken("invite's ADMIN_TOKEN."),
  REMINDER_URL: ServiceUrl(3003),
  REMINDER_ADMIN_TOKEN: AdminToken("reminder's ADMIN_TOKEN."),
  NOTIFY_URL: ServiceUrl(3004),
  NOTIFY_ADMIN_TOKEN: AdminToken("notify's ADMIN_TOKEN."),
  REPORT_SYNC_URL: ServiceUrl(3005),
  REPORT_SYNC_ADMIN_TOKEN: AdminToken("report-sync's ADMIN_TOKEN."),
  GRAFANA_URL: Type.Optional(
    Type.String({
      pattern: '^https?://.+',
      description: 'Grafana base URL: the web console links trace ids to it.',
    }),
  ),
});

export type SupportEnv = Static<typeof SupportEnv>;

/** The five services' admin endpoints from the env. */
export function serviceEndpoints(env: SupportEnv): Record<ServiceName, ServiceEndpoint> {
  return {
    ingest: { url: env.INGEST_URL, token: env.INGEST_ADMIN_TOKEN },
    invite: { url: env.INVITE_URL, token: env.INVITE_ADMIN_TOKEN },
    reminder: { url: env.REMINDER_URL, token: env.REMINDER_ADMIN_TOKEN },
    notify: { url: env.NOTIFY_URL, token: env.NOTIFY_ADMIN_TOKEN },
    'report-sync': { url: env.REPORT_SYNC_URL, token: env.REPORT_SYNC_ADMIN_TOKEN },
  };
}
