/**
 * The event keyring: per-tenant AES-256 keys that seal every event on Kafka (docs/security.md "Events on
 * Kafka"). A file (a mounted Secret), never env values, so keys stay out of `env` dumps:
 *
 *   { "tenants": { "acme": { "current": "2026-12", "keys": { "2026-12": "<base64, 32 bytes>", "2026-06": "…" } } },
 *     "default": { "current": "k1", "keys": { "k1": "…" } },          // optional: tenants without an entry
 *     "acceptUnencrypted": false }                                     // optional: only while switching on
 *
 * The current key seals, any listed key opens: rotation is add a key, make it current, drop the old one
 * once nothing sealed with it is retained (30 days of topics, 90 of dead letters).
 */

/** One tenant's keys (or the default's). */
export interface TenantKeys {
  /** Id of the key that seals new events. */
  current: string;
  /** Every key that may still open retained events, by id. */
  keys: ReadonlyMap<string, Buffer>;
}

export interface EventKeyring {
  tenants: ReadonlyMap<string, TenantKeys>;
  /** Keys for tenants without an entry of their own (a local stack's test tenants). */
  default?: TenantKeys;
  /** Consumers accept events that carry no seal (only while switching encryption on). */
  acceptUnencrypted: boolean;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const TENANT_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** Parses and checks a keyring file's text; every problem is listed (never a key's value). */
export function parseKeyring(text: string): { keyring?: EventKeyring; problems: string[] } {
  const problems: string[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { problems: [`is not JSON (${(error as Error).message})`] };
  }
  if (!isObject(raw)) return { problems: ['must be a JSON object'] };
  for (const name of Object.keys(raw))
    if (!['tenants', 'default', 'acceptUnencrypted'].includes(name))
      problems.push(`unknown field "${name}" (tenants, default, acceptUnencrypted)`);

  const tenants = new Map<string, TenantKeys>();
  if (raw.tenants !== undefined && !isObject(raw.tenants)) problems.push('tenants: must be an object');
  else
    for (const [tenant, entry] of Object.entries(raw.tenants ?? {})) {
      if (!TENANT_ID.test(tenant)) problems.push(`tenants.${tenant}: not a tenant id`);
      const keys = tenantKeys(`tenants.${tenant}`, entry, problems);
      if (keys) tenants.set(tenant, keys);
    }
  const fallback = raw.default === undefined ? undefined : tenantKeys('default', raw.default, problems);
  if (tenants.size === 0 && !fallback) problems.push('holds no keys: give tenants or default');
  if (raw.acceptUnencrypted !== undefined && typeof raw.acceptUnencrypted !== 'boolean')
    problems.push('acceptUnencrypted: must be true or false');
  if (problems.length > 0) return { problems };
  return {
    keyring: {
      tenants,
      ...(fallback ? { default: fallback } : {}),
      acceptUnencrypted: raw.acceptUnencrypted === true,
    },
    problems,
  };
}

function tenantKeys(path: string, entry: unknown, problems: string[]): TenantKeys | undefined {
  if (!isObject(entry) || typeof entry.current !== 'string' || !isObject(entry.keys)) {
    problems.push(`${path}: must be { "current": "<key id>", "keys": { "<key id>": "<base64>" } }`);
    return undefined;
  }
  const keys = new Map<string, Buffer>();
  const before = problems.length;
  for (const [id, value] of Object.entries(entry.keys)) {
    if (!KEY_ID.test(id)) problems.push(`${path}.keys.${id}: key ids are 1-64 of A-Z a-z 0-9 . _ -`);
    const text = typeof value === 'string' ? value.replace(/\s/g, '') : '';
    const key = Buffer.from(text, 'base64');
    if (key.length !== 32 || key.toString('base64') !== text)
      problems.push(`${path}.keys.${id}: must be 32 random bytes in base64 (openssl rand -base64 32)`);
    else keys.set(id, key);
  }
  if (!Object.hasOwn(entry.keys, entry.current))
    problems.push(`${path}.current: "${entry.current}" is not one of its keys`);
  return problems.length === before ? { current: entry.current, keys } : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
