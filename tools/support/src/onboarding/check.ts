import type { Tenants } from '@autoverify/config';
import type { Logger } from '@autoverify/logger';
import { entrataClientFor, entrataFindings, propertiesOf } from './entrata.ts';
import type { Finding } from './findings.ts';
import { platformFindings } from './platform.ts';
import { rentFinding } from './rent.ts';
import { resolveSecret, webhookSecretFindings } from './secrets.ts';

export interface TenantCheckInput {
  /** Loaded with lazy secrets, so each missing one is reported instead of stopping the load. */
  tenants: Tenants;
  tenantId: string;
  /** PLATFORM_BASE_URL, PLATFORM_CLIENT_ID, PLATFORM_SECRET_KEY. */
  env: Record<string, string | undefined>;
  logger: Logger;
}

/**
 * Everything that must hold before a customer goes live, checked against its real Entrata and the
 * verification platform without changing anything: secrets, Entrata credentials and method access, each
 * property's access, file types and rent source, and the platform credentials.
 * @throws UnknownTenantError when the tenant is not in the tenants file
 */
export async function checkTenant(input: TenantCheckInput): Promise<Finding[]> {
  const tenant = input.tenants.require(input.tenantId);
  const read = (ref: Parameters<Tenants['secret']>[0]) => input.tenants.secret(ref);
  const findings: Finding[] = [];

  const credentialRef =
    tenant.entrata.auth.type === 'apikey' ? tenant.entrata.auth.apiKey : tenant.entrata.auth.password;
  const label = tenant.entrata.auth.type === 'apikey' ? 'entrata.auth.apiKey' : 'entrata.auth.password';
  const credential = resolveSecret(read, credentialRef, label);
  findings.push(credential.finding ?? { level: 'ok', area: 'secrets', message: `${label}: set` });
  findings.push(...webhookSecretFindings(tenant, read));

  if (credential.value !== undefined) {
    const client = entrataClientFor(tenant, credential.value, input.logger);
    try {
      findings.push(...(await entrataFindings({ tenant, tenants: input.tenants, client })));
    } finally {
      await client.close();
    }
  } else {
    // Without Entrata, the rent source can still be judged.
    for (const propertyId of propertiesOf(tenant))
      findings.push(
        rentFinding(`property ${propertyId}`, input.tenants.property(tenant.id, propertyId).monthlyRentCents),
      );
  }

  findings.push(...(await platformFindings(input.env, input.logger)));
  return findings;
}
