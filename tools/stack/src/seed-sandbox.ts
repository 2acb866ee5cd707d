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

/**
 * The org's document file types: the ids the tenant's settings upload reports under (they differ per
 * customer in Entrata), so report uploads are accepted as they would be in the customer's Entrata.
 */
export function fileTypesOf(tenant: TenantSettings): { id: string; name: string; systemCode: string }[] {
  const settings = [
    tenant.defaults.entrataFileTypes,
    ...Object.values(tenant.properties).map((p) => p.entrataFileTypes),
  ];
  const types = new Map<string, { id: string; name: string; systemCode: string }>();
  const codes = new Set<string>();
  const add = (id: string, name: string, code: string) => {
    if (types.has(id)) return;
    // System codes are unique in an org; a second income type (another property's) gets its id appended.
    const systemCode = codes.has(code) ? `${code}-${id}` : code;
    codes.add(systemCode);
    types.set(id, { id, name, systemCode });
  };
  for (const fileTypes of settings) {
    if (!fileTypes) continue;
    add(fileTypes.income, 'Proof of Income', 'POI');
    add(fileTypes.identity, 'Applicant Identification', 'AID');
  }
  return [...types.values()];
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
