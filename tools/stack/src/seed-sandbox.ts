import type { SecretRef, TenantSettings, TenantsFile } from '@autoverify/contracts';

/**
 * Registers each customer of the tenants file as an Entrata org in the sandbox, with the same API key,
 * webhook secret and properties the services will use, and the webhook pointed at this run's ingest.
 */
export async function seedSandbox(
  sandboxUrl: string,
  tenants: TenantsFile,
  secrets: Record<string, string>,
  ingestUrl: string,
): Promise<void> {
  for (const tenant of tenants.tenants) {
    const org = orgOf(tenant);
    const response = await fetch(`${sandboxUrl}/sandbox/entrata/orgs/${encodeURIComponent(org)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        tenantId: tenant.id,
        name: tenant.name,
        apiKey:
          tenant.entrata.auth.type === 'apikey' ? secret(tenant.entrata.auth.apiKey, secrets) : 'unused',
        ...(tenant.entrata.auth.type === 'basic'
          ? {
              basicAuth: {
                username: tenant.entrata.auth.username,
                password: secret(tenant.entrata.auth.password, secrets),
              },
            }
          : {}),
        webhook:
          tenant.webhook.auth === 'hmac'
            ? { mode: 'hmac', secret: secret(tenant.webhook.secrets[0] as SecretRef, secrets) }
            : {
                mode: 'basic',
                username: tenant.webhook.username,
                password: secret(tenant.webhook.passwords[0] as SecretRef, secrets),
              },
        ingestBaseUrl: ingestUrl,
        rateLimitPerMinute: Math.max(tenant.entrata.requestsPerMinute * 2, 150),
        fileTypes: fileTypesOf(tenant),
        properties: tenant.entrata.propertyIds.map((propertyId) => {
          const property = tenant.properties[propertyId];
          return {
            propertyId: Number(propertyId),
            name: property?.name ?? `Property ${propertyId}`,
            address: property?.address ?? { street: '1 Main St', city: 'Denver', state: 'CO', zip: '80202' },
          };
        }),
      }),
    });
    if (!response.ok)
      throw new Error(`seeding sandbox org ${org} failed: HTTP ${response.status} ${await response.text()}`);
  }
}

export interface SandboxFileType {
  id: string;
  name: string;
  systemCode?: string;
}

/**
 * The org's document file types: the types the tenant's settings file reports under (they differ per customer
 * in Entrata), so each configured type resolves and report uploads are accepted as in the customer's Entrata.
 * A type configured by id or name is a customer-defined one (no systemCode); one configured by systemCode is
 * one of Entrata's built-in types. Ids the settings do not give are made up, from 8001 on.
 */
export function fileTypesOf(tenant: TenantSettings): SandboxFileType[] {
  const refs = [
    tenant.defaults.entrataFileTypes,
    ...Object.values(tenant.properties).map((p) => p.entrataFileTypes),
  ]
    .filter((t) => t !== undefined)
    .flatMap((t) => [
      { ref: t.income, name: 'Proof of Income' },
      { ref: t.identity, name: 'Applicant Identification' },
    ]);
  const types: SandboxFileType[] = [];
  let nextId = 8001;
  const freshId = () => {
    while (types.some((t) => t.id === String(nextId)) || refs.some((r) => r.ref === String(nextId))) nextId++;
    return String(nextId++);
  };
  const nameTaken = (name: string) => types.some((t) => t.name.toLowerCase() === name.toLowerCase());
  // Named and coded types first, so an id-configured type never takes a name another setting refers to.
  for (const { ref } of refs) {
    if (typeof ref === 'string') continue;
    if ('name' in ref && !nameTaken(ref.name)) types.push({ id: freshId(), name: ref.name });
    if ('systemCode' in ref && !types.some((t) => t.systemCode === ref.systemCode))
      types.push({ id: freshId(), name: ref.systemCode, systemCode: ref.systemCode });
  }
  for (const { ref, name } of refs) {
    if (typeof ref !== 'string' || types.some((t) => t.id === ref)) continue;
    types.push({ id: ref, name: nameTaken(name) ? `${name} (${ref})` : name });
  }
  return types;
}

/** The Entrata org is the path segment after /orgs/ in the customer's Entrata base URL. */
export function orgOf(tenant: TenantSettings): string {
  const match = /\/orgs\/([^/]+)/.exec(new URL(tenant.entrata.baseUrl).pathname);
  if (!match) throw new Error(`tenant ${tenant.id}: entrata.baseUrl has no /orgs/{org} segment`);
  return decodeURIComponent(match[1] as string);
}

function secret(ref: SecretRef, secrets: Record<string, string>): string {
  const value = 'env' in ref ? (secrets[ref.env] ?? process.env[ref.env]) : undefined;
  if (!value) throw new Error(`sandbox seed: secret ${JSON.stringify(ref)} is not in config/sandbox.env`);
  return value;
}
