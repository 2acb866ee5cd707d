import type { FastifyRequest } from 'fastify';
import { EntrataError } from './errors.ts';

/**
 * NOT DOCUMENTED: the names of sendLeaseDocuments' multipart parts are not in Entrata's public documentation.
 * They are kept here, in one place. Assumed: the names public scripts use, which they say follow the Java code
 * snippet of Entrata's documentation page - the JSON envelope in `requestBody` (with an optional
 * `requestContentType` field beside it) and the files in `file1`, `file2`, ... in the order of
 * `params.files.file[]`. The production client (packages/entrata-client/src/transport.ts) makes the same
 * assumption, but this fake is not built from it: correct both when a real org says otherwise.
 */
export const SEND_LEASE_DOCUMENTS_PARTS = {
  envelope: 'requestBody',
  contentType: 'requestContentType',
  /** `file1`, `file2`, ...: the number gives the order. */
  filePattern: /^file([1-9][0-9]?)$/,
} as const;

export interface UploadedFile {
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

/** Reads a multipart upload: the envelope from its JSON part and every file part, in number order. */
export async function readMultipart(
  request: FastifyRequest,
): Promise<{ envelope: unknown; files: UploadedFile[] }> {
  let envelopeText: string | undefined;
  const numbered: { n: number; file: UploadedFile }[] = [];
  const unexpected: string[] = [];
  for await (const part of request.parts()) {
    const fileNumber = SEND_LEASE_DOCUMENTS_PARTS.filePattern.exec(part.fieldname)?.[1];
    if (part.type === 'file') {
      const bytes = await part.toBuffer(); // always drain, even a part we then refuse
      if (fileNumber)
        numbered.push({
          n: Number(fileNumber),
          file: { fileName: part.filename, contentType: part.mimetype, bytes },
        });
      else unexpected.push(part.fieldname);
    } else if (part.fieldname === SEND_LEASE_DOCUMENTS_PARTS.envelope) {
      envelopeText = String(part.value);
    } else if (part.fieldname !== SEND_LEASE_DOCUMENTS_PARTS.contentType) unexpected.push(part.fieldname);
  }
  if (unexpected.length > 0) {
    throw new EntrataError(
      'invalidRequest',
      `Unexpected multipart parts: ${unexpected.join(', ')}. Expected "${SEND_LEASE_DOCUMENTS_PARTS.envelope}" (JSON) and file parts "file1", "file2", ...`,
    );
  }
  if (envelopeText === undefined) {
    throw new EntrataError(
      'invalidRequest',
      `Missing the "${SEND_LEASE_DOCUMENTS_PARTS.envelope}" part with the JSON request.`,
    );
  }
  const files = numbered.sort((a, b) => a.n - b.n).map((f) => f.file);
  try {
    return { envelope: JSON.parse(envelopeText), files };
  } catch {
    throw new EntrataError(
      'invalidRequest',
      `The "${SEND_LEASE_DOCUMENTS_PARTS.envelope}" part is not valid JSON.`,
    );
  }
}
