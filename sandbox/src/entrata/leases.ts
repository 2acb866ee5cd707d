import { intParam } from './envelope.ts';
import { EntrataError } from './errors.ts';
import type { MethodContext } from './methods.ts';
import { pageOf } from './paging.ts';
import type { Application, Customer, FileType } from './store.ts';

/** Property must be one of the org's; Entrata answers a parameter error otherwise. */
export function requireProperty({ org, params, store }: MethodContext): number {
  const propertyId = intParam(params, 'propertyId', true);
  if (!store.propertyOf(org.org, propertyId))
    throw new EntrataError('invalidParams', `Unknown propertyId ${propertyId}.`);
  return propertyId;
}

/**
 * The published r2 model's lease customer: `id` (an integer there, unlike most response ids), `customerType`
 * (domain.md: the role, Primary / Co-Applicant / Guarantor / Occupant, lives here), names. `relationshipName` is
 * not in the published model but domain.md places it here and a public client reads it from real responses.
 */
function leaseCustomerView(c: Customer) {
  return {
    id: c.customerId,
    customerType: c.customerType,
    firstName: c.firstName,
    lastName: c.lastName,
    nameFull: `${c.firstName} ${c.lastName}`,
    relationshipName: c.relationshipName,
  };
}

/**
 * leases/getLeases r2. Published params: `propertyId` (required), `applicationId`, `customerId`, `leaseIds`
 * (comma separated) and filters the integration does not use (ignored here). Result `leases.lease[]` with the
 * lease `id`, `propertyId`, `leaseIntervalStatus` and `customers.customer[]`. NOT DOCUMENTED: a filter that
 * matches nothing; assumed a 305 "No records found" error.
 */
export function getLeases(ctx: MethodContext) {
  const propertyId = requireProperty(ctx);
  const applicationId = intParam(ctx.params, 'applicationId');
  const customerId = intParam(ctx.params, 'customerId');
  const leaseIds = idList(ctx.params.leaseIds, 'leaseIds');
  const leases = ctx.store
    .applicationsOf(ctx.org.org, propertyId)
    .filter(
      (a) =>
        (applicationId === undefined || a.applicationId === applicationId) &&
        (customerId === undefined || a.customers.some((c) => c.customerId === customerId)) &&
        (leaseIds === undefined || leaseIds.includes(a.leaseId)),
    );
  const filtered = applicationId !== undefined || customerId !== undefined || leaseIds !== undefined;
  if (filtered && leases.length === 0) throw new EntrataError('notFound', 'No lease matches the given ids.');
  return {
    leases: {
      lease: leases.map((a: Application) => ({
        id: String(a.leaseId),
        propertyId: String(a.propertyId),
        leaseIntervalStatus: 'Applicant',
        customers: { customer: a.customers.map(leaseCustomerView) },
      })),
    },
  };
}

/** "This field accepts comma separated multiple values": integers as a number or a comma-separated string. */
function idList(value: unknown, name: string): number[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const parts =
    typeof value === 'number' ? [String(value)] : typeof value === 'string' ? value.split(',') : null;
  const ids = parts?.map((p) => p.trim());
  if (!ids || ids.some((id) => !/^\d+$/.test(id)))
    throw new EntrataError('invalidParams', `${name} must be comma-separated integers.`);
  return ids.map(Number);
}

/**
 * domain.md, on the wire: `response.result.leaseFileTypes.leaseFileType[]`, every item wrapped as
 * `{"@attributes":{"id":..,"systemCode":..,"name":..}}`, `systemCode` ABSENT on customer-defined types.
 */
function fileTypeView(t: FileType) {
  return { '@attributes': { id: t.id, ...(t.systemCode ? { systemCode: t.systemCode } : {}), name: t.name } };
}

/**
 * leases/getLeasePickList r1: the org's document (file) types, which differ per customer. The published result
 * has other lists too (lease status types, charge timings, ...); only the file types are faked.
 */
export function getLeasePickList({ org }: MethodContext) {
  return { leaseFileTypes: { leaseFileType: org.fileTypes.map(fileTypeView) } };
}

/**
 * leases/getLeaseDocumentsList r1. domain.md: it takes `propertyId` and `leaseId` (no `applicationId`); in the
 * published model `leaseId` is optional (without it: every document of the property) and the result is
 * `leaseDocuments.leaseDocument[]` with `id` (an integer there), `type`, `name`, `title`, `leaseId`. Paginated by
 * `page_no`/`per_page`. domain.md: "the created file's id may not be readable back immediately" -
 * `documentVisibilityDelayMs` hides a new document for a while. NOT DOCUMENTED: an unknown lease id; assumed
 * an empty list.
 */
export function getLeaseDocumentsList(ctx: MethodContext) {
  const propertyId = requireProperty(ctx);
  const leaseId = intParam(ctx.params, 'leaseId');
  const visibleBefore = Date.now() - ctx.org.documentVisibilityDelayMs;
  const documents = ctx.store
    .documentsOfProperty(ctx.org.org, propertyId)
    .filter((d) => (leaseId === undefined || d.leaseId === leaseId) && d.addedOn.getTime() <= visibleBefore)
    .map((d) => ({
      id: d.fileId,
      type: d.fileTypeName,
      name: d.fileName,
      title: d.fileName,
      leaseId: String(d.leaseId),
    }));
  return { leaseDocuments: { leaseDocument: pageOf(documents, ctx.page) } };
}
