import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  type PropertySettings,
  type SecretRef,
  type TenantSettings,
  TenantsFile,
} from '@autoverify/contracts';
import { ConfigError, UnknownTenantError } from './errors.ts';
import { collectProblems, formatPath } from './problems.ts';

type PropertyOverride = TenantSettings['properties'][string];

/** The settings that apply to one property: the tenant's defaults with the property's overrides on top. */
export type ResolvedProperty = PropertySettings & {
  tenantId: string;
  propertyId: string;
  name?: string;
  address?: PropertyOverride['address'];
};

export interface Tenants {
  get(id: string): TenantSettings | undefined;
  /** @throws UnknownTenantError */
  require(id: string): TenantSettings;
  all(): TenantSettings[];
  /** Any property id of a known tenant resolves: properties without an entry use the defaults. @throws UnknownTenantError */
  property(tenantId: string, propertyId: string): ResolvedProperty;
  /**
   * The secret's value, read now (never at load time): an environment variable, or a file read on every call
   * (a rotated secret file is used without a restart). @throws ConfigError when it is missing.
   */
  secret(ref: SecretRef): string;
}

/** The kinds of secrets a tenant's settings reference: its Entrata credentials and its webhook secrets. */
export type TenantSecretKind = 'entrata' | 'webhook';
export const TENANT_SECRET_KINDS: readonly TenantSecretKind[] = ['entrata', 'webhook'];

export interface LoadTenantsOptions {
  /**
   * The kinds of tenant secrets this service uses. Their presence is checked at load time for every tenant
   * (a missing one fails start-up with its name), without reading them; secrets of other kinds are not
   * looked at. Default: every kind (a service that did not say what it needs).
   */
  secrets?: readonly TenantSecretKind[];
}

/**
 * Reads and validates the tenants file and checks that the secrets of the kinds the service needs are there,
 * so a service with a bad file, an unknown time zone or a missing secret refuses to start instead of failing
 * on the first webhook. Secret values are read only where they are used (`secret(ref)`): a service that never
 * calls Entrata never reads a customer's Entrata key. Relative secret file paths are relative to the tenants
 * file.
 */
export function loadTenants(
  path: string,
  env: Record<string, string | undefined> = process.env,
  options: LoadTenantsOptions = {},
): Tenants {
  const needed = new Set<string>(options.secrets ?? TENANT_SECRET_KINDS);
  const file = readTenantsFile(path);
  const problems = collectProblems(TenantsFile, file).map(
    (p) =>
      `${formatPath(p.path)}: ${p.message}${p.hasValue && isScalar(p.value) ? ` (got ${show(p.value)})` : ''}`,
  );
  if (problems.length > 0) throw new ConfigError(`Invalid tenants file ${path}`, problems);
  const tenants = (file as TenantsFile).tenants;

  problems.push(...duplicateIds(tenants), ...badTimeZones(tenants));
  const baseDir = dirname(resolve(path));
  tenants.forEach((tenant, index) => {
    forEachSecretRef(tenant, [], (ref, at) => {
      if (!needed.has(String(at[0]))) return;
      const missing = missingSecret(ref, env, baseDir);
      if (missing)
        problems.push(`${formatPath(['tenants', index, ...at])} (tenant "${tenant.id}"): ${missing}`);
    });
  });
  if (problems.length > 0) throw new ConfigError(`Invalid tenants file ${path}`, problems);

  const byId = new Map(tenants.map((t) => [t.id, t]));
  const requireTenant = (id: string): TenantSettings => {
    const tenant = byId.get(id);
    if (!tenant) throw new UnknownTenantError(id);
    return tenant;
  };
  return {
    get: (id) => byId.get(id),
    require: requireTenant,
    all: () => [...tenants],
    property(tenantId, propertyId) {
      const tenant = requireTenant(tenantId);
      // Overrides are shallow by design: an overridden `reminders` object is complete in itself.
      return { ...tenant.defaults, ...tenant.properties[propertyId], tenantId, propertyId };
    },
    secret(ref) {
      const result = readSecret(ref, env, baseDir);
      if (typeof result !== 'string')
        throw new ConfigError(`Secret ${describeRef(ref)} unavailable`, [result.problem]);
      return result;
    },
  };
}

function readTenantsFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (error as Error).message})`;
    throw new ConfigError(
      `Tenants file ${resolve(path)} ${reason}; set TENANTS_FILE to the tenants JSON file`,
      [],
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // Node's message carries the position, e.g. "Unexpected token } in JSON at position 120 (line 7 column 3)".
    throw new ConfigError(`Tenants file ${resolve(path)} is not valid JSON: ${(error as Error).message}`, []);
  }
}

function duplicateIds(tenants: TenantSettings[]): string[] {
  const seen = new Map<string, number>();
  const problems: string[] = [];
  tenants.forEach((tenant, index) => {
    const first = seen.get(tenant.id);
    if (first === undefined) seen.set(tenant.id, index);
    else problems.push(`tenants[${index}].id: "${tenant.id}" is already used by tenants[${first}]`);
  });
  return problems;
}

function badTimeZones(tenants: TenantSettings[]): string[] {
  const problems: string[] = [];
  tenants.forEach((tenant, index) => {
    const zones: [string, string | undefined][] = [
      ['defaults.timeZone', tenant.defaults.timeZone],
      ...Object.entries(tenant.properties).map(([id, p]): [string, string | undefined] => [
        formatPath(['properties', id, 'timeZone']),
        p.timeZone,
      ]),
    ];
    for (const [at, zone] of zones) {
      if (zone !== undefined && !isTimeZone(zone)) {
        problems.push(`tenants[${index}].${at}: "${zone}" is not an IANA time zone (e.g. America/Denver)`);
      }
    }
  });
  return problems;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function forEachSecretRef(
  value: unknown,
  path: (string | number)[],
  visit: (ref: SecretRef, path: (string | number)[]) => void,
): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      forEachSecretRef(item, [...path, i], visit);
    });
  } else if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'env' || keys[0] === 'file')) {
      visit(value as SecretRef, path);
      return;
    }
    for (const [key, child] of Object.entries(value)) forEachSecretRef(child, [...path, key], visit);
  }
}

function readSecret(
  ref: SecretRef,
  env: Record<string, string | undefined>,
  baseDir: string,
): string | { problem: string } {
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined || value === '') return { problem: `environment variable ${ref.env} is not set` };
    return value;
  }
  const path = resolve(baseDir, ref.file);
  try {
    const value = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    return value === '' ? { problem: `secret file ${path} is empty` } : value;
  } catch (error) {
    return {
      problem: `secret file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    };
  }
}

/** Why the secret is not there, or undefined when it is; a file is checked without reading it. */
function missingSecret(
  ref: SecretRef,
  env: Record<string, string | undefined>,
  baseDir: string,
): string | undefined {
  if ('env' in ref) {
    const value = env[ref.env];
    return value === undefined || value === '' ? `environment variable ${ref.env} is not set` : undefined;
  }
  const path = resolve(baseDir, ref.file);
  try {
    accessSync(path, constants.R_OK);
    const stat = statSync(path);
    if (!stat.isFile()) return `secret file ${path} is not a file`;
    return stat.size === 0 ? `secret file ${path} is empty` : undefined;
  } catch (error) {
    return `secret file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}

function describeRef(ref: SecretRef): string {
  return 'env' in ref ? `env ${ref.env}` : `file ${ref.file}`;
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
