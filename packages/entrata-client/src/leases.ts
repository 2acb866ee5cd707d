import Type from 'typebox';
import {
  asId,
  asText,
  IdLike,
  OneOrMany,
  parseEntrataDate,
  type ShapeProblem,
  shape,
  TextLike,
  unwrapList,
} from './tolerant.ts';

export interface EntrataLeaseCustomer {
  customerId: string;
  /** Entrata's role name as sent (e.g. Primary, Co-Applicant, Guarantor, Occupant); mapping is the caller's job. */
  customerType: string;
  relationshipName?: string;
  firstName?: string;
  lastName?: string;
}

export interface EntrataLease {
  leaseId?: string;
  applicationId?: string;
  customers: EntrataLeaseCustomer[];
}

export interface EntrataLeaseDocument {
  fileId: string;
  fileName: string;
  fileTypeId?: string;
  fileTypeName?: string;
  customerIds: string[];
  /** ISO-8601 UTC. */
  addedOn?: string;
}

export interface EntrataUploadedFile {
  fileId?: string;
  fileName?: string;
  status: string;
  message?: string;
}

type Obj = Record<string, unknown>;

const Container = <T extends ReturnType<typeof Type.Object>>(key: string, item: T) =>
  Type.Union([
    Type.Object({ [key]: Type.Optional(OneOrMany(item)) }),
    Type.Array(item),
    Type.Null(),
    Type.Literal(''),
  ]);

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

function prefixed(problems: ShapeProblem[], at: string): ShapeProblem[] {
  return problems.map((p) => ({ path: at + (p.path === '/' ? '' : p.path), message: p.message }));
}

// ---- leases/getLeases r2 --------------------------------------------------------------------------

// `customerId` or `id`: both spellings appear for a lease's customers in public clients.
const RawLeaseCustomer = Type.Object({
  customerId: Type.Optional(IdLike),
  id: Type.Optional(IdLike),
  customerType: TextLike,
  relationshipName: Type.Optional(TextLike),
  firstName: Type.Optional(TextLike),
  lastName: Type.Optional(TextLike),
});
const RawLease = Type.Object({
  leaseId: Type.Optional(IdLike),
  id: Type.Optional(IdLike),
  applicationId: Type.Optional(Type.Union([IdLike, Type.Null()])),
  customers: Type.Optional(
    Type.Union([Type.Object({}), Type.Array(Type.Unknown()), Type.Null(), Type.Literal('')]),
  ),
});
const leasesShape = shape(
  // Shallow on purpose: items are checked one by one so a problem is reported with its exact path.
  Type.Union([
    Type.Object({
      leases: Type.Optional(
        Type.Union([Type.Object({}), Type.Array(Type.Unknown()), Type.Null(), Type.Literal('')]),
      ),
    }),
    Type.Array(Type.Unknown(), { maxItems: 0 }),
    Type.Null(),
  ]),
);
const leaseShape = shape(RawLease);
const leaseCustomerShape = shape(RawLeaseCustomer);

export function parseLeasesResult(
  result: unknown,
): { leases: EntrataLease[] } | { problems: ShapeProblem[] } {
  const top = leasesShape.problems(result);
  if (top.length > 0) return { problems: top };
  const problems: ShapeProblem[] = [];
  const leases: EntrataLease[] = [];
  for (const [i, rawLease] of unwrapList((result as Obj | null)?.leases, 'lease').entries()) {
    const at = `/leases/lease/${i}`;
    const lp = leaseShape.problems(rawLease);
    if (lp.length > 0) {
      problems.push(...prefixed(lp, at));
      continue;
    }
    const raw = rawLease as Obj;
    const customers: EntrataLeaseCustomer[] = [];
    for (const [j, rawCustomer] of unwrapList(raw.customers, 'customer').entries()) {
      const cat = `${at}/customers/customer/${j}`;
      const cp = leaseCustomerShape.problems(rawCustomer);
      if (cp.length > 0) {
        problems.push(...prefixed(cp, cat));
        continue;
      }
      const c = rawCustomer as Obj;
      const customerId = asId(c.customerId) ?? asId(c.id);
      const customerType = asText(c.customerType);
      if (!customerId || !customerType) {
        const field = customerId ? 'customerType' : 'customerId';
        problems.push({ path: `${cat}/${field}`, message: `${field} is required` });
        continue;
      }
      customers.push({
        customerId,
        customerType,
        ...optional('relationshipName', asText(c.relationshipName)),
        ...optional('firstName', asText(c.firstName)),
        ...optional('lastName', asText(c.lastName)),
      });
    }
    leases.push({
      ...optional('leaseId', asId(raw.leaseId) ?? asId(raw.id)),
      ...optional('applicationId', asId(raw.applicationId)),
      customers,
    });
  }
  return problems.length > 0 ? { problems } : { leases };
}

// ---- leases/getLeaseDocumentsList ------------------------------------------------------------------

const RawDocument = Type.Object({
  fileId: Type.Optional(IdLike),
  id: Type.Optional(IdLike),
  fileName: Type.Optional(TextLike),
  name: Type.Optional(TextLike),
  fileTypeId: Type.Optional(Type.Union([IdLike, Type.Null()])),
  fileTypeName: Type.Optional(TextLike),
  fileType: Type.Optional(TextLike),
  customerIds: Type.Optional(Type.Union([TextLike, Type.Array(IdLike)])),
  addedOn: Type.Optional(TextLike),
});
// Container names differ between public descriptions; accept the likely ones.
const DOCUMENT_CONTAINERS = [
  ['leaseDocuments', 'leaseDocument'],
  ['documents', 'document'],
  ['files', 'file'],
] as const;
const documentShape = shape(RawDocument);

function splitIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(asId).filter((x): x is string => x !== undefined);
  const text = asText(value);
  return text
    ? text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

export function parseLeaseDocumentsResult(
  result: unknown,
): { documents: EntrataLeaseDocument[] } | { problems: ShapeProblem[] } {
  if (result === null || result === '' || (Array.isArray(result) && result.length === 0))
    return { documents: [] };
  if (typeof result !== 'object' || Array.isArray(result))
    return { problems: [{ path: '/', message: 'result must be an object' }] };
  const found = DOCUMENT_CONTAINERS.find(([outer]) => outer in (result as Obj));
  if (!found) return { documents: [] };
  const [outer, inner] = found;
  const problems: ShapeProblem[] = [];
  const documents: EntrataLeaseDocument[] = [];
  for (const [i, rawDocument] of unwrapList((result as Obj)[outer], inner).entries()) {
    const at = `/${outer}/${inner}/${i}`;
    const dp = documentShape.problems(rawDocument);
    if (dp.length > 0) {
      problems.push(...prefixed(dp, at));
      continue;
    }
    const d = rawDocument as Obj;
    const fileId = asId(d.fileId) ?? asId(d.id);
    if (!fileId) {
      problems.push({ path: `${at}/fileId`, message: 'fileId is required' });
      continue;
    }
    documents.push({
      fileId,
      fileName: asText(d.fileName) ?? asText(d.name) ?? '',
      ...optional('fileTypeId', asId(d.fileTypeId)),
      ...optional('fileTypeName', asText(d.fileTypeName) ?? asText(d.fileType)),
      customerIds: splitIds(d.customerIds),
      ...optional('addedOn', parseEntrataDate(d.addedOn)),
    });
  }
  return problems.length > 0 ? { problems } : { documents };
}

// ---- leases/sendLeaseDocuments ---------------------------------------------------------------------

const RawUploaded = Type.Object({
  fileId: Type.Optional(Type.Union([IdLike, Type.Null()])),
  id: Type.Optional(IdLike),
  fileName: Type.Optional(TextLike),
  status: Type.Optional(TextLike),
  message: Type.Optional(TextLike),
});
const uploadShape = shape(Type.Object({ files: Container('file', RawUploaded) }));

export function parseSendLeaseDocumentsResult(
  result: unknown,
): { files: EntrataUploadedFile[] } | { problems: ShapeProblem[] } {
  const problems = uploadShape.problems(result);
  if (problems.length > 0) return { problems };
  const files = unwrapList((result as Obj).files, 'file').map((raw) => {
    const f = raw as Obj;
    return {
      ...optional('fileId', asId(f.fileId) ?? asId(f.id)),
      ...optional('fileName', asText(f.fileName)),
      status: asText(f.status) ?? '',
      ...optional('message', asText(f.message)),
    };
  });
  return { files };
}
