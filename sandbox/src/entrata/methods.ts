import { getLeadPickLists, getLeads } from './leads.ts';
import {
  getLeaseDocumentsList,
  getLeasePickList,
  getLeases,
  sendLeaseDocuments,
  type UploadedFile,
} from './leases.ts';
import type { EntrataStore, Org } from './store.ts';

export interface MethodContext {
  org: Org;
  params: Record<string, unknown>;
  store: EntrataStore;
  /** Present only when the call came as multipart/form-data. */
  files?: UploadedFile[];
}

interface MethodDef {
  versions: readonly string[];
  handler: (ctx: MethodContext) => unknown;
  /** Some real responses carry `code` as the string "200"; these methods do, to keep clients tolerant. */
  codeAsString?: boolean;
}

/** The services and methods the fake implements: `{service: {methodName: def}}`. */
export const METHODS: Record<string, Record<string, MethodDef>> = {
  leads: {
    getLeads: { versions: ['r1'], handler: getLeads },
    getLeadPickLists: { versions: ['r2'], handler: getLeadPickLists },
  },
  leases: {
    getLeases: { versions: ['r2'], handler: getLeases, codeAsString: true },
    getLeasePickList: { versions: ['r1'], handler: getLeasePickList },
    getLeaseDocumentsList: { versions: ['r1'], handler: getLeaseDocumentsList },
    sendLeaseDocuments: { versions: ['r1'], handler: sendLeaseDocuments, codeAsString: true },
  },
};
