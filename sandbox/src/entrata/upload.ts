import { intParam } from './envelope.ts';
import { EntrataError } from './errors.ts';
import { requireProperty } from './leases.ts';
import type { MethodContext } from './methods.ts';
import { SEND_LEASE_DOCUMENTS_PARTS, type UploadedFile } from './multipart.ts';
import type { Application, FileType, Org } from './store.ts';

/** domain.md: "50 MB combined limit was cited". */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/**
 * domain.md: per file `fileTypeId` or `leaseFileType` (one required). NOT DOCUMENTED: what `leaseFileType`
 * holds; assumed a type's systemCode or its name.
 */
function fileTypeOf(org: Org, entry: Record<string, unknown>, index: number): FileType {
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
      (t) => t.name.toLowerCase() === wanted || t.systemCode?.toLowerCase() === wanted,
    );
    if (!type) throw new EntrataError('invalidParams', `files[${index}]: unknown leaseFileType "${name}".`);
    return type;
  }
  throw new EntrataError('invalidParams', `files[${index}]: fileTypeId or leaseFileType is required.`);
}

/** domain.md: `customerIds` is one comma-separated string. */
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

/** domain.md: `propertyId` (required) and one of `leaseId` / `applicationId` / `applicantId`. */
function requireApplication(ctx: MethodContext): Application {
  const propertyId = requireProperty(ctx);
  const ids = {
    applicationId: intParam(ctx.params, 'applicationId'),
    leaseId: intParam(ctx.params, 'leaseId'),
    applicantId: intParam(ctx.params, 'applicantId'),
  };
  if (Object.values(ids).every((v) => v === undefined))
    throw new EntrataError('invalidParams', 'One of leaseId, applicationId or applicantId is required.');
  const application = ctx.store.findApplication(ctx.org.org, propertyId, ids);
  if (!application)
    throw new EntrataError('notFound', 'No application matches the given ids for this property.');
  return application;
}

/**
 * leases/sendLeaseDocuments r1: multipart/form-data with the file as a form part (domain.md). Params as above;
 * per file `fileName`, `fileTypeId` or `leaseFileType`, `isShowInResidentPortal` (0/1), `customerIds`. Result
 * `files.file[]` with `fileId`, `status`, `message`. NOT DOCUMENTED: whether a failing file stores the others;
 * assumed all or nothing, and a PDF check (the integration only uploads PDFs).
 */
export function sendLeaseDocuments(ctx: MethodContext) {
  const files = ctx.files;
  if (!files) throw new EntrataError('invalidRequest', 'sendLeaseDocuments requires multipart/form-data.');
  const application = requireApplication(ctx);
  const listed = ctx.params.files as Record<string, unknown> | undefined;
  const entries = (listed !== undefined ? asArray(listed.file) : [ctx.params]) as Record<string, unknown>[];
  if (files.length === 0)
    throw new EntrataError(
      'invalidParams',
      `No file part ("file1", ...) next to "${SEND_LEASE_DOCUMENTS_PARTS.envelope}".`,
    );
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
      status: 'Success',
      message: 'File uploaded successfully.',
    };
  });
  return { files: { file: result } };
}
