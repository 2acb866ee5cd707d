/**
 * Tenant settings for tests: a complete, valid tenant from an id, with only what a test cares about
 * spelled out. Pure functions (no I/O); `writeTenantsFile` puts the result on disk.
 */
import { collectProblems, formatPath } from '@autoverify/config';
import { type SecretRef, type TenantSettings, TenantsFile } from '@autoverify/contracts';

/** Every field optional, at every depth (arrays are replaced whole, not merged). */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `base` with `overrides` on top: plain objects are merged key by key, everything else (arrays, strings,
 * numbers, null) replaces the base value; an `undefined` override leaves the base value. Inputs are not
 * changed.
 */
export function mergeDeep<T>(base: T, overrides: DeepPartial<T> | undefined): T {
  if (overrides === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(overrides)) return overrides as T;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) merged[key] = mergeDeep(merged[key], value);
  }
  return merged as T;
}

/** The env variable name a tenant's default secrets use: `acme-pm` -> `ACME_PM`. */
export const tenantEnvPrefix = (tenantId: string): string =>
  tenantId.toUpperCase().replace(/[^A-Z0-9]/g, '_');

type Entrata = TenantSettings['entrata'];

/**
 * What a test may override in a tenant: any field at any depth. `entrata.auth` and `webhook` are one of
 * several shapes (API key or Basic; HMAC or Basic), so an override gives them whole: merging two shapes
 * would make neither.
 */
export type TenantOverrides = DeepPartial<Omit<TenantSettings, 'entrata' | 'webhook'>> & {
  entrata?: DeepPartial<Omit<Entrata, 'auth'>> & { auth?: Entrata['auth'] };
  webhook?: TenantSettings['webhook'];
};

/**
 * A valid tenant `id` with test defaults, `overrides` merged deeply on top. Defaults: Entrata at the
 * sandbox's usual address (`http://127.0.0.1:4000/ext/orgs/<id>/v1`, API key from env
 * `<ID>_ENTRATA_API_KEY`, property `1`, 600 requests/min), HMAC webhooks (secret from env
 * `<ID>_WEBHOOK_SECRET`), identity verification on, email and SMS on, 3 reminders (after 24 h, every
 * 48 h), invites expiring after 14 days, America/Denver in Colorado, file types 1201/1202, sender
 * `leasing@<id>.example.com` / +13035550100, no property overrides.
 */
export function testTenant(id: string, overrides: TenantOverrides = {}): TenantSettings {
  const env = tenantEnvPrefix(id);
  const defaults: TenantSettings = {
    id,
    name: `${id} (test tenant)`,
    entrata: {
      baseUrl: `http://127.0.0.1:4000/ext/orgs/${id}/v1`,
      auth: { type: 'apikey', apiKey: { env: `${env}_ENTRATA_API_KEY` } },
      propertyIds: ['1'],
      requestsPerMinute: 600,
    },
    webhook: { auth: 'hmac', secrets: [{ env: `${env}_WEBHOOK_SECRET` }], toleranceSeconds: 300 },
    reconciliation: { intervalMinutes: 5, lookbackDays: 3 },
    defaults: {
      identityVerification: true,
      channels: { email: true, sms: true },
      reminders: { firstAfterHours: 24, intervalHours: 48, maxCount: 3 },
      inviteExpiryDays: 14,
      timeZone: 'America/Denver',
      state: 'CO',
      entrataFileTypes: { income: '1201', identity: '1202' },
      sender: {
        brandName: id,
        emailFrom: `leasing@${id}.example.com`,
        emailFromName: `${id} leasing`,
        smsFrom: '+13035550100',
      },
    },
    properties: {},
  };
  const { webhook, ...rest } = overrides;
  const { auth, ...entrata } = overrides.entrata ?? {};
  const merged = mergeDeep<TenantSettings>(defaults, { ...rest, entrata } as DeepPartial<TenantSettings>);
  return {
    ...merged,
    entrata: { ...merged.entrata, auth: auth ?? merged.entrata.auth },
    webhook: webhook ?? merged.webhook,
  };
}

/**
 * A tenants file holding `tenants`, checked against the contract: a test with a bad tenant fails here,
 * naming each problem, instead of in the service's start-up.
 */
export function testTenantsFile(...tenants: TenantSettings[]): TenantsFile {
  const file = { tenants };
  const problems = collectProblems(TenantsFile, file);
  if (problems.length > 0) {
    throw new Error(
      `invalid test tenants file:\n${problems.map((p) => `  ${formatPath(p.path)}: ${p.message}`).join('\n')}`,
    );
  }
  return file;
}

/** The names of the environment variables the file's secrets are read from (file references are skipped). */
export function secretEnvNames(file: TenantsFile): string[] {
  const names = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isPlainObject(value)) {
      if (isEnvRef(value)) names.add(value.env);
      else Object.values(value).forEach(visit);
    }
  };
  visit(file);
  return [...names].sort();
}

const isEnvRef = (value: Record<string, unknown>): value is Extract<SecretRef, { env: string }> =>
  Object.keys(value).length === 1 && typeof value.env === 'string';

/**
 * A value for every env secret the file references (`test-<name in lower case>`), with `given` on top:
 * what `loadTenants` needs to resolve them. Give real values where a test talks to something that
 * checks them (e.g. the sandbox's Entrata API key).
 */
export function testSecrets(file: TenantsFile, given: Record<string, string> = {}): Record<string, string> {
  const placeholders = Object.fromEntries(
    secretEnvNames(file).map((name) => [name, `test-${name.toLowerCase().replace(/_/g, '-')}`]),
  );
  return { ...placeholders, ...given };
}
