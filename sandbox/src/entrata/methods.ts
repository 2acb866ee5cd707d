import { getLeads } from './leads.ts';
import { getLeaseDocumentsList, getLeasePickList, getLeases } from './leases.ts';
import type { UploadedFile } from './multipart.ts';
import type { Page } from './paging.ts';
import type { EntrataStore, Org } from './store.ts';
import { sendLeaseDocuments } from './upload.ts';

export interface MethodContext {
  org: Org;
  params: Record<string, unknown>;
  store: EntrataStore;
  /** From the `page_no` / `per_page` query parameters; used by the paginated methods only. */
  page: Page;
  /** Present only when the call came as multipart/form-data. */
  files?: UploadedFile[];
}

interface MethodDef {
  versions: readonly string[];
  handler: (ctx: MethodContext) => unknown;
  /** `code` can be a string or an integer on the wire (domain.md); these methods send the string "200". */
  codeAsString?: boolean;
}

/**
 * The services and methods the fake implements: `{service: {methodName: def}}`. Only what autoverify calls;
 * leads/getLeadPickLists is not here: the integration does not call it, and its shape is not documented well
 * enough to fake.
 */
export const METHODS: Record<string, Record<string, MethodDef>> = {
  leads: {
    getLeads: { versions: ['r1'], handler: getLeads },
  },
  leases: {
    getLeases: { versions: ['r2'], handler: getLeases, codeAsString: true },
    getLeasePickList: { versions: ['r1'], handler: getLeasePickList },
    getLeaseDocumentsList: { versions: ['r1'], handler: getLeaseDocumentsList },
    sendLeaseDocuments: { versions: ['r1'], handler: sendLeaseDocuments, codeAsString: true },
  },
};
