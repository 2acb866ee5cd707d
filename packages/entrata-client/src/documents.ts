import Type from 'typebox';
import {
  asId,
  asText,
  IdLike,
  OneOrMany,
  optional,
  prefixed,
  type ShapeProblem,
  shape,
  TextLike,
  unwrapList,
} from './tolerant.ts';

export interface EntrataLeaseDocument {
  fileId: string;
  fileName: string;
  /** The document's type as Entrata names it (`type` in the published model). */
  fileTypeName?: string;
  leaseId?: string;
}

export interface EntrataUploadedFile {
  fileId?: string;
  fileName?: string;
  status: string;
  message?: string;
}

type Obj = Record<string, unknown>;

// ---- leases/getLeaseDocumentsList ------------------------------------------------------------------
// Published model: result.leaseDocuments.leaseDocument[] with id (integer), type, name, title, leaseId,
// externalLeaseId. `fileId`/`fileName` spellings are accepted too.

const RawDocument = Type.Object({
  id: Type.Optional(IdLike),
  fileId: Type.Optional(IdLike),
  name: Type.Optional(TextLike),
  fileName: Type.Optional(TextLike),
  title: Type.Optional(TextLike),
  type: Type.Optional(TextLike),
  leaseId: Type.Optional(Type.Union([IdLike, Type.Null()])),
});
const documentShape = shape(RawDocument);

export function parseLeaseDocumentsResult(
  result: unknown,
): { documents: EntrataLeaseDocument[] } | { problems: ShapeProblem[] } {
  if (result === null || result === '' || (Array.isArray(result) && result.length === 0))
    return { documents: [] };
  if (typeof result !== 'object' || Array.isArray(result))
    return { problems: [{ path: '/', message: 'result must be an object' }] };
  const problems: ShapeProblem[] = [];
  const documents: EntrataLeaseDocument[] = [];
  for (const [i, rawDocument] of unwrapList((result as Obj).leaseDocuments, 'leaseDocument').entries()) {
    const at = `/leaseDocuments/leaseDocument/${i}`;
    const dp = documentShape.problems(rawDocument);
    if (dp.length > 0) {
      problems.push(...prefixed(dp, at));
      continue;
    }
    const d = rawDocument as Obj;
    const fileId = asId(d.id) ?? asId(d.fileId);
    if (!fileId) {
      problems.push({ path: `${at}/id`, message: 'id is required' });
      continue;
    }
    documents.push({
      fileId,
      fileName: asText(d.name) ?? asText(d.fileName) ?? asText(d.title) ?? '',
      ...optional('fileTypeName', asText(d.type)),
      ...optional('leaseId', asId(d.leaseId)),
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
const uploadShape = shape(
  Type.Object({
    files: Type.Union([
      Type.Object({ file: Type.Optional(OneOrMany(RawUploaded)) }),
      Type.Array(RawUploaded),
      Type.Null(),
      Type.Literal(''),
    ]),
  }),
);

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
