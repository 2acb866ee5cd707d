import { isoDate, isoDateTime } from './dates.ts';
import { intParam } from './envelope.ts';
import { EntrataError } from './errors.ts';
import type { MethodContext } from './methods.ts';
import type { Application, Org } from './store.ts';

function requireApplication({ org, params, store }: MethodContext, needOneOf: boolean): Application[] {
  const propertyId = intParam(params, 'propertyId', true);
  if (!store.propertyOf(org.org, propertyId))
    throw new EntrataError('invalidParams', `Unknown propertyId ${propertyId}.`);
  const ids = {
    applicationId: intParam(params, 'applicationId'),
    leaseId: intParam(params, 'leaseId'),
    applicantId: intParam(params, 'applicantId'),
  };
  const given = Object.values(ids).some((v) => v !== undefined);
  if (!given) {
    if (needOneOf)
      throw new EntrataError('invalidParams', 'One of leaseId, applicationId or applicantId is required.');
    return store.applicationsOf(org.org, propertyId);
  }
  const application = store.findApplication(org.org, propertyId, ids);
  if (!application)
    throw new EntrataError('notFound', 'No application matches the given ids for this property.');
  return [application];
}

/** leases/getLeases r2: the lease record of an application, where each customer's role lives. */
export function getLeases(ctx: MethodContext) {
  const applications = requireApplication(ctx, false);
  return {
    leases: {
      lease: applications.map((a) => ({
        id: String(a.leaseId),
        applicationId: String(a.applicationId),
        propertyId: String(a.propertyId),
        leaseStatusType: 'Applicant',
        applicationDate: isoDate(a.createdOn),
        customers: {
          customer: a.customers.map((c) => ({
            customerId: String(c.customerId),
            firstName: c.firstName,
            lastName: c.lastName,
            customerType: c.customerType,
            relationshipName: c.relationshipName,
          })),
        },
      })),
    },
  };
}

/** leases/getLeasePickList r1: the org's document (file) types, which differ per customer. */
export function getLeasePickList({ org }: MethodContext) {
  return {
    pickLists: {
      fileTypes: {
        fileType: org.fileTypes.map((t) => ({ id: t.id, name: t.name, systemCode: t.systemCode })),
      },
    },
  };
}

/** leases/getLeaseDocumentsList r1: lets a client check whether a file is already there before uploading. */
export function getLeaseDocumentsList(ctx: MethodContext) {
  const [application] = requireApplication(ctx, true);
  const visibleBefore = Date.now() - ctx.org.documentVisibilityDelayMs;
  const documents = ctx.store
    .documentsOf(application?.applicationId ?? -1)
    .filter((d) => d.addedOn.getTime() <= visibleBefore)
    .map((d) => ({
      id: String(d.fileId),
      fileName: d.fileName,
      fileTypeId: d.fileTypeId,
      fileType: d.fileTypeName,
      customerIds: d.customerIds.join(','),
      isShowInResidentPortal: d.isShowInResidentPortal ? '1' : '0',
      fileSize: String(d.size),
      addedOn: isoDateTime(d.addedOn),
    }));
  return { documents: { document: documents } };
}

/**
 * Names of the multipart parts of sendLeaseDocuments. Entrata does not document them publicly, so they are
 * kept here, in one place, and the client mirrors them: the JSON envelope goes in the `request` part and
 * each file in a `file` part, in the same order as `params.files.file[]` (or one file with flat params).
 */
export const SEND_LEASE_DOCUMENTS_PARTS = { envelope: 'request', file: 'file' } as const;

/** The combined size limit for one upload that has been cited for Entrata. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

export interface UploadedFile {
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

function fileTypeOf(org: Org, entry: Record<string, unknown>, index: number) {
  const id = entry.fileTypeId;
  const name = entry.leaseFileType;
  if (id !== undefined && id !== '') {
    const type = org.fileTypes.find((t) => t.id === String(id));
    if (!type) throw new EntrataError('invalidParams', `files[${index}]: unknown fileTypeId ${String(id)}.`);
    return type;
  }
  if (typeof name === 'string' && name !== '') {
    const wanted = name.toLowerCase();
    const type = org.fileTypes.find(
      (t) => t.name.toLowerCase() === wanted || t.systemCode.toLowerCase() === wanted,
    );
    if (!type) throw new EntrataError('invalidParams', `files[${index}]: unknown leaseFileType "${name}".`);
    return type;
  }
  throw new EntrataError('invalidParams', `files[${index}]: fileTypeId or leaseFileType is required.`);
}

function customerIdsOf(entry: Record<string, unknown>, application: Application, index: number): number[] {
  const raw = entry.customerIds;
  if (raw === undefined || raw === '') return [];
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    throw new EntrataError('invalidParams', `files[${index}]: customerIds must be a comma-separated string.`);
  }
  return String(raw)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const id = Number(s);
      if (!/^\d+$/.test(s) || !application.customers.some((c) => c.customerId === id)) {
        throw new EntrataError(
          'invalidParams',
          `files[${index}]: customer ${s} is not on application ${application.applicationId}.`,
        );
      }
      return id;
    });
}

/** leases/sendLeaseDocuments r1: stores PDF documents against an application (multipart only). */
export function sendLeaseDocuments(ctx: MethodContext) {
  const files = ctx.files;
  if (!files) throw new EntrataError('invalidRequest', 'sendLeaseDocuments requires multipart/form-data.');
  const [application] = requireApplication(ctx, true);
  if (!application) throw new EntrataError('notFound');
  const listed = ctx.params.files as Record<string, unknown> | undefined;
  const entries = (listed !== undefined ? asArray(listed.file) : [ctx.params]) as Record<string, unknown>[];
  if (files.length === 0)
    throw new EntrataError('invalidParams', `No "${SEND_LEASE_DOCUMENTS_PARTS.file}" part was sent.`);
  if (entries.length !== files.length) {
    throw new EntrataError(
      'invalidParams',
      `${entries.length} file entries in params but ${files.length} file parts.`,
    );
  }
  const total = files.reduce((sum, f) => sum + f.bytes.length, 0);
  if (total > MAX_UPLOAD_BYTES) {
    throw new EntrataError('fileRejected', `Combined file size ${total} bytes exceeds the 50 MB limit.`);
  }
  const prepared = entries.map((entry, i) => {
    const file = files[i] as UploadedFile;
    if (typeof entry !== 'object' || entry === null)
      throw new EntrataError('invalidParams', `files[${i}] must be an object.`);
    const fileName = entry.fileName;
    if (typeof fileName !== 'string' || fileName.trim() === '') {
      throw new EntrataError('invalidParams', `files[${i}]: fileName is required.`);
    }
    if (!file.bytes.subarray(0, 4).equals(Buffer.from('%PDF'))) {
      throw new EntrataError('fileRejected', `${fileName} is not a PDF document.`);
    }
    const portal = entry.isShowInResidentPortal;
    return {
      fileName,
      type: fileTypeOf(ctx.org, entry, i),
      customerIds: customerIdsOf(entry, application, i),
      isShowInResidentPortal: portal === 1 || portal === '1' || portal === true,
      bytes: file.bytes,
    };
  });
  // Validate everything before storing anything: an upload is all or nothing.
  const result = prepared.map((p) => {
    const fileId = ctx.store.nextId('file');
    ctx.store.documents.push({
      fileId,
      org: ctx.org.org,
      propertyId: application.propertyId,
      applicationId: application.applicationId,
      leaseId: application.leaseId,
      customerIds: p.customerIds,
      fileName: p.fileName,
      fileTypeId: p.type.id,
      fileTypeName: p.type.name,
      isShowInResidentPortal: p.isShowInResidentPortal,
      size: p.bytes.length,
      bytes: p.bytes,
      addedOn: new Date(),
    });
    return {
      fileId: String(fileId),
      fileName: p.fileName,
      status: 'Success',
      message: 'File uploaded successfully.',
    };
  });
  return { files: { file: result } };
}
