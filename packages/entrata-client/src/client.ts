import {
  type EntrataLeaseDocument,
  type EntrataUploadedFile,
  parseLeaseDocumentsResult,
  parseSendLeaseDocumentsResult,
} from './documents.ts';
import { invalidResponse } from './failures.ts';
import { type EntrataProspect, parseLeadsResult } from './leads.ts';
import { type EntrataLease, parseLeasesResult } from './leases.ts';
import { allPages, collectPages, type PageRequest, pageQuery } from './pages.ts';
import { type EntrataLeasePickList, parseLeasePickListResult } from './pick-list.ts';
import { formatEntrataDate, toRequestId } from './tolerant.ts';
import { type CallSpec, createTransport, type TransportOptions, type UploadFile } from './transport.ts';

export interface EntrataClientOptions extends TransportOptions {
  /** `per_page` of paginated reads (getLeads, getLeaseDocumentsList); default 100. */
  pageSize?: number;
  /** A read of more pages than this fails visibly instead of running on; default 1000. */
  maxPages?: number;
}

/**
 * leads/getLeads r1 as published: `propertyId` (integer, required), `leadId` (integer) and date filters
 * (MM/DD/YYYY, Mountain Time). There is NO `applicationId` parameter.
 */
export interface GetLeadsParams {
  propertyId: string | number;
  /** The number Entrata also shows as the application id. */
  leadId?: string | number;
  /** Date or YYYY-MM-DD or MM/DD/YYYY; sent as MM/DD/YYYY (Mountain Time). Filters on when it was created. */
  createdOnDateFrom?: Date | string;
  createdOnDateTo?: Date | string;
  /** Same formats; filters on when it was last updated. */
  fromDate?: Date | string;
  toDate?: Date | string;
}

export interface SendLeaseDocumentsParams {
  propertyId: string | number;
  applicationId: string | number;
  customerIds: string[];
  file: UploadFile & { fileTypeId: string };
  isShowInResidentPortal: false;
}

export interface EntrataClient {
  /** One page of leads/getLeads (the first page unless asked otherwise). */
  getLeads(params: GetLeadsParams, page?: Partial<PageRequest>): Promise<EntrataProspect[]>;
  /** Every page of leads/getLeads, one page at a time (e.g. a reconciliation poll over many days). */
  eachLeadsPage(params: GetLeadsParams): AsyncGenerator<EntrataProspect[]>;
  /**
   * The prospect of one application: asked for by `leadId` (the same number) and recognised by its
   * `applicationId`, since prospects carry no `leadId`. Undefined when Entrata returns no such prospect.
   */
  findApplication(params: {
    propertyId: string | number;
    applicationId: string | number;
  }): Promise<EntrataProspect | undefined>;
  getLeases(params: { propertyId: string | number; applicationId: string | number }): Promise<EntrataLease[]>;
  /** leases/getLeaseDocumentsList by `propertyId` + `leaseId` (it has no `applicationId`), every page. */
  getLeaseDocumentsList(params: {
    propertyId: string | number;
    leaseId: string | number;
  }): Promise<EntrataLeaseDocument[]>;
  /** The customer's document (file) types. */
  getLeasePickList(): Promise<EntrataLeasePickList>;
  /** Not idempotent: only failures that prove nothing was stored (connection refused, rate limited) are retried here. */
  sendLeaseDocuments(params: SendLeaseDocumentsParams): Promise<EntrataUploadedFile[]>;
  close(): Promise<void>;
}

function dateParams(params: GetLeadsParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['createdOnDateFrom', 'createdOnDateTo', 'fromDate', 'toDate'] as const) {
    const value = params[key];
    if (value !== undefined) out[key] = formatEntrataDate(value);
  }
  return out;
}

export function createEntrataClient(options: EntrataClientOptions): EntrataClient {
  const transport = createTransport(options);
  const perPage = Math.max(1, options.pageSize ?? 100);
  const maxPages = Math.max(1, options.maxPages ?? 1000);
  const paging = (spec: Pick<CallSpec, 'service' | 'method'>) => ({
    perPage,
    maxPages,
    fail: (message: string) => invalidResponse(spec, message),
  });

  const leadsSpec = (params: GetLeadsParams, page: PageRequest): CallSpec => ({
    service: 'leads',
    method: 'getLeads',
    version: 'r1',
    params: {
      propertyId: toRequestId(params.propertyId),
      ...(params.leadId !== undefined ? { leadId: toRequestId(params.leadId) } : {}),
      ...dateParams(params),
    },
    query: pageQuery(page),
    idempotent: true,
  });
  const leadsPage = async (params: GetLeadsParams, page: PageRequest) =>
    (await transport.parsed(leadsSpec(params, page), parseLeadsResult)).prospects;

  const client: EntrataClient = {
    getLeads(params, page = {}) {
      return leadsPage(params, { pageNo: page.pageNo ?? 1, perPage: page.perPage ?? perPage });
    },

    eachLeadsPage(params) {
      return allPages((page) => leadsPage(params, page), paging({ service: 'leads', method: 'getLeads' }));
    },

    async findApplication({ propertyId, applicationId }) {
      const wanted = String(applicationId);
      const pages = client.eachLeadsPage({ propertyId, leadId: applicationId });
      for await (const prospects of pages) {
        const found = prospects.find((p) => p.applicationId === wanted);
        if (found) return found;
      }
      return undefined;
    },

    async getLeases(params) {
      const spec: CallSpec = {
        service: 'leases',
        method: 'getLeases',
        version: 'r2',
        params: {
          propertyId: toRequestId(params.propertyId),
          applicationId: toRequestId(params.applicationId),
        },
        idempotent: true,
      };
      const { leases } = await transport.parsed(spec, parseLeasesResult);
      const applicationId = String(params.applicationId);
      return leases.filter((l) => l.applicationId === undefined || l.applicationId === applicationId);
    },

    getLeaseDocumentsList(params) {
      const spec = (page: PageRequest): CallSpec => ({
        service: 'leases',
        method: 'getLeaseDocumentsList',
        version: 'r1',
        params: { propertyId: toRequestId(params.propertyId), leaseId: toRequestId(params.leaseId) },
        query: pageQuery(page),
        idempotent: true,
      });
      const fetchPage = async (page: PageRequest) =>
        (await transport.parsed(spec(page), parseLeaseDocumentsResult)).documents;
      return collectPages(
        allPages(fetchPage, paging({ service: 'leases', method: 'getLeaseDocumentsList' })),
      );
    },

    getLeasePickList() {
      return transport.parsed(
        { service: 'leases', method: 'getLeasePickList', version: 'r1', params: {}, idempotent: true },
        parseLeasePickListResult,
      );
    },

    async sendLeaseDocuments(params) {
      if (params.customerIds.length === 0)
        throw new TypeError('sendLeaseDocuments needs at least one customer id');
      if (params.file.bytes.length === 0) throw new TypeError('sendLeaseDocuments: the file is empty');
      const spec: CallSpec = {
        service: 'leases',
        method: 'sendLeaseDocuments',
        version: 'r1',
        params: {
          propertyId: toRequestId(params.propertyId),
          applicationId: toRequestId(params.applicationId),
          files: {
            file: [
              {
                fileName: params.file.fileName,
                fileTypeId: toRequestId(params.file.fileTypeId),
                isShowInResidentPortal: params.isShowInResidentPortal ? 1 : 0,
                customerIds: params.customerIds.join(','),
              },
            ],
          },
        },
        idempotent: false,
        files: [params.file],
      };
      return (await transport.parsed(spec, parseSendLeaseDocumentsResult)).files;
    },

    close: () => transport.close(),
  };
  return client;
}
