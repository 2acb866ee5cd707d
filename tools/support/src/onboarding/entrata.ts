import type { ResolvedProperty, Tenants } from '@autoverify/config';
import type { TenantSettings } from '@autoverify/contracts';
import {
  createEntrataClient,
  describeFileTypeRef,
  type EntrataClient,
  type EntrataFileType,
  isEntrataError,
  resolveFileType,
} from '@autoverify/entrata-client';
import type { Logger } from '@autoverify/logger';
import { type Finding, fail, note, ok } from './findings.ts';
import { rentFinding } from './rent.ts';

const ACCESS_FIX =
  'Ask the customer to give the API user access to this method and property in Entrata (Apps -> API Access).';

/** Entrata's refusal in words: its own code and message are the most precise thing we have. */
function refused(error: unknown): string {
  if (!isEntrataError(error)) return (error as Error).message;
  if (error.kind === 'timeout' || error.kind === 'network') return `no answer (${error.message})`;
  // The message repeats service, method and code; Entrata's own words are what is left.
  return `refused with code ${error.code}: ${error.message.replace(/^.*?Entrata \w+ error -?\d+: /, '')}`;
}

/** The properties to check: the polled ones, and any with settings of its own. */
export function propertiesOf(tenant: TenantSettings): string[] {
  return [...new Set([...tenant.entrata.propertyIds, ...Object.keys(tenant.properties)])];
}

export function entrataClientFor(tenant: TenantSettings, secret: string, logger: Logger): EntrataClient {
  return createEntrataClient({
    baseUrl: tenant.entrata.baseUrl,
    auth:
      tenant.entrata.auth.type === 'apikey'
        ? { type: 'apikey', apiKey: secret }
        : { type: 'basic', username: tenant.entrata.auth.username, password: secret },
    tenantId: tenant.id,
    requestsPerMinute: tenant.entrata.requestsPerMinute,
    logger,
    // A person waits for the answer: a couple of quick attempts, not a job's patience.
    maxAttempts: 2,
    backoff: { baseMs: 200, maxMs: 1000 },
    maxWaitMs: 10_000,
    headersTimeoutMs: 15_000,
  });
}

/**
 * Reads what the integration reads, nothing that writes: getLeasePickList once, and per property getLeads,
 * then getLeases and getLeaseDocumentsList for its newest application when there is one. sendLeaseDocuments
 * cannot be tried without leaving a document behind, so it is only named.
 */
export async function entrataFindings(input: {
  tenant: TenantSettings;
  tenants: Pick<Tenants, 'property'>;
  client: EntrataClient;
}): Promise<Finding[]> {
  const { tenant, client } = input;
  const findings: Finding[] = [];
  const area = `Entrata (${tenant.entrata.baseUrl})`;

  let fileTypes: EntrataFileType[] | undefined;
  try {
    fileTypes = (await client.getLeasePickList()).fileTypes;
    findings.push(ok(area, `leases/getLeasePickList: ${fileTypes.length} file types`));
  } catch (error) {
    if (isEntrataError(error) && (error.kind === 'network' || error.kind === 'timeout')) {
      findings.push(
        fail(
          area,
          `Entrata did not answer: ${error.message}`,
          'Check entrata.baseUrl (https://apis.entrata.com/ext/orgs/{org}/v1, EU: apis.entrata.global) and the network path to it.',
        ),
      );
      return findings;
    }
    findings.push(fail(area, `leases/getLeasePickList ${refused(error)}`, ACCESS_FIX));
    // The same refusal for getLeads too means the credentials (or the org) are wrong, not one method's access.
    const first = propertiesOf(tenant)[0];
    const again: unknown = first
      ? await client.getLeads({ propertyId: first }, { perPage: 1 }).then(
          () => undefined,
          (e: unknown) => e,
        )
      : undefined;
    if (
      isEntrataError(error) &&
      isEntrataError(again) &&
      again.kind === error.kind &&
      again.code === error.code
    ) {
      findings.push(
        fail(
          area,
          `every call is refused (code ${error.code}): the credentials or the org in entrata.baseUrl are wrong`,
          'Check the API key (or username and password) and the org in entrata.baseUrl with the customer.',
        ),
      );
      return findings;
    }
  }
  findings.push(
    note(
      area,
      'leases/sendLeaseDocuments: not tried (it would leave a document in Entrata)',
      'Confirm with the customer that the API user may call sendLeaseDocuments; the first report upload proves it.',
    ),
  );
  for (const propertyId of propertiesOf(tenant))
    findings.push(...(await propertyFindings({ ...input, propertyId, fileTypes })));
  return findings;
}

async function propertyFindings(input: {
  tenant: TenantSettings;
  tenants: Pick<Tenants, 'property'>;
  client: EntrataClient;
  propertyId: string;
  fileTypes: EntrataFileType[] | undefined;
}): Promise<Finding[]> {
  const { tenant, client, propertyId } = input;
  const property: ResolvedProperty = input.tenants.property(tenant.id, propertyId);
  const area = `property ${propertyId}${property.name ? ` (${property.name})` : ''}`;
  const findings: Finding[] = [];
  if (!tenant.entrata.propertyIds.includes(propertyId))
    findings.push(
      note(
        area,
        'has settings but is not in entrata.propertyIds',
        'Add it there, or the reconciliation poll never reads it.',
      ),
    );

  const since = new Date(Date.now() - tenant.reconciliation.lookbackDays * 86_400_000);
  try {
    const prospects = await client.getLeads({ propertyId, createdOnDateFrom: since }, { perPage: 100 });
    findings.push(
      ok(
        area,
        `leads/getLeads answers (${prospects.length} application(s) in the last ${tenant.reconciliation.lookbackDays} days on the first page)`,
      ),
    );
    const newest = prospects.filter((p) => p.applicationId).at(-1);
    if (newest?.applicationId)
      findings.push(...(await leaseFindings(client, area, propertyId, newest.applicationId)));
    else
      findings.push(
        note(
          area,
          'leases/getLeases and getLeaseDocumentsList not tried: no recent application to read',
          'Run the check again after a test application.',
        ),
      );
  } catch (error) {
    findings.push(
      fail(
        area,
        `leads/getLeads ${refused(error)}`,
        'Check that the property id is right and that the API user may read it (Apps -> API Access).',
      ),
    );
  }

  if (input.fileTypes) findings.push(...fileTypeFindings(area, property, input.fileTypes));
  findings.push(rentFinding(area, property.monthlyRentCents));
  return findings;
}

async function leaseFindings(
  client: EntrataClient,
  area: string,
  propertyId: string,
  applicationId: string,
): Promise<Finding[]> {
  try {
    const leases = await client.getLeases({ propertyId, applicationId });
    const leaseId = leases.find((l) => l.leaseId)?.leaseId;
    const found = [ok(area, `leases/getLeases answers (application ${applicationId})`)];
    if (!leaseId) return found;
    try {
      await client.getLeaseDocumentsList({ propertyId, leaseId });
      return [...found, ok(area, `leases/getLeaseDocumentsList answers (lease ${leaseId})`)];
    } catch (error) {
      return [...found, fail(area, `leases/getLeaseDocumentsList ${refused(error)}`, ACCESS_FIX)];
    }
  } catch (error) {
    return [fail(area, `leases/getLeases ${refused(error)}`, ACCESS_FIX)];
  }
}

/** Income reports always; identity reports only where identity verification is on. */
export function fileTypeFindings(
  area: string,
  property: ResolvedProperty,
  fileTypes: readonly EntrataFileType[],
): Finding[] {
  const wanted = property.identityVerification ? (['income', 'identity'] as const) : (['income'] as const);
  return wanted.map((key) => {
    const ref = property.entrataFileTypes[key];
    const resolved = resolveFileType(fileTypes, ref);
    if (resolved.ok)
      return ok(
        area,
        `${key} reports file type: ${resolved.fileType.id} "${resolved.fileType.name}" (entrataFileTypes.${key} = ${describeFileTypeRef(ref)})`,
      );
    return fail(
      area,
      `${key} reports file type missing: entrataFileTypes.${key} = ${describeFileTypeRef(ref)}: ${resolved.problem}`,
      `Set entrataFileTypes.${key} to one of the customer's file types (by id, systemCode or name), or ask the customer to create it in Entrata.`,
    );
  });
}
