import type { EntrataFileType } from '@autoverify/entrata-client';
import { createLogger } from '@autoverify/logger';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../domain/file-type.ts';
import { LeaseNotFoundError } from '../domain/sync-decision.ts';
import type { ReportRow } from '../store.ts';
import { type EntrataPort, entrataReads, PICK_LIST_TTL_MS } from './entrata-reads.ts';

const logger = createLogger({ service: 'test', level: 'silent' });
const row = {
  tenantId: 'acme',
  propertyId: '100200',
  entrataApplicationId: '2000001',
  reportId: 'rep_1',
  scope: 'applicant',
  entrataCustomerIds: ['5000001'],
} as ReportRow;

/** A customer's Entrata as report-sync reads it; counts the calls made. */
function entrata(state: {
  fileTypes: EntrataFileType[];
  leaseIds: string[];
  documents: Record<string, string[]>;
}) {
  const calls: string[] = [];
  const port: EntrataPort = {
    async getLeasePickList() {
      calls.push('getLeasePickList');
      return { fileTypes: state.fileTypes };
    },
    async getLeases() {
      calls.push('getLeases');
      return state.leaseIds.map((leaseId) => ({ leaseId, customers: [] }));
    },
    async getLeaseDocumentsList({ leaseId }) {
      calls.push(`getLeaseDocumentsList:${leaseId}`);
      return (state.documents[String(leaseId)] ?? []).map((fileName, i) => ({
        fileId: `${leaseId}-${i}`,
        fileName,
      }));
    },
    async findApplication() {
      calls.push('findApplication');
      return {
        applicationId: '2000001',
        status: 'Application Completed',
        customers: [{ customerId: '5000001', firstName: 'Ada', lastName: 'Lovelace' }],
      };
    },
    async sendLeaseDocuments() {
      throw new Error('not read here');
    },
  };
  return { port, calls };
}

const reads = (now = () => 0) => entrataReads({ verifyDelaysMs: [0, 5], sleep: async () => {}, now });

describe('entrataReads', () => {
  it('resolves the file type from the pick list, read once per tenant while fresh', async () => {
    const e = entrata({ fileTypes: [{ id: '7001', name: 'Proof of Income' }], leaseIds: [], documents: {} });
    let now = 0;
    const r = reads(() => now);
    expect(
      await r.fileTypeId(e.port, row, { income: { name: 'proof of income' }, identity: '7002' }, 'income'),
    ).toBe('7001');
    expect(await r.fileTypeId(e.port, row, { income: '7001', identity: '7002' }, 'asset')).toBe('7001');
    expect(e.calls).toEqual(['getLeasePickList']);
    now = PICK_LIST_TTL_MS + 1;
    await r.fileTypeId(e.port, row, { income: '7001', identity: '7002' }, 'income');
    expect(e.calls).toEqual(['getLeasePickList', 'getLeasePickList']);
  });

  it('reads the pick list again before saying a type is missing, then names it', async () => {
    const state = { fileTypes: [{ id: '7001', name: 'Proof of Income' }], leaseIds: [], documents: {} };
    const e = entrata(state);
    const r = reads();
    await r.fileTypeId(e.port, row, { income: '7001', identity: '7002' }, 'income');
    // The customer adds the identity type: seen at once, the cache notwithstanding.
    state.fileTypes = [...state.fileTypes, { id: '7002', name: 'Applicant Identification' }];
    expect(await r.fileTypeId(e.port, row, { income: '7001', identity: '7002' }, 'identity')).toBe('7002');
    const missing = r.fileTypeId(e.port, row, { income: '7001', identity: { name: 'Photo ID' } }, 'identity');
    await expect(missing).rejects.toThrow(ConfigurationError);
    await expect(missing).rejects.toThrow(/entrataFileTypes\.identity = name "Photo ID"/);
  });

  it("looks for the report's document in each lease of the application, a few times", async () => {
    const e = entrata({
      fileTypes: [],
      leaseIds: ['4000001', '4000002'],
      documents: { '4000002': ['Identity Verification Report - Lovelace - rep_1.pdf'] },
    });
    const found = await reads().findReportDocument(e.port, row);
    expect(found?.fileId).toBe('4000002-0');
    expect(e.calls).toEqual(['getLeases', 'getLeaseDocumentsList:4000001', 'getLeaseDocumentsList:4000002']);

    const none = entrata({ fileTypes: [], leaseIds: ['4000001'], documents: {} });
    expect(await reads().findReportDocument(none.port, row)).toBeUndefined();
    expect(none.calls).toEqual([
      'getLeases',
      'getLeaseDocumentsList:4000001',
      'getLeaseDocumentsList:4000001',
    ]);
  });

  it('refuses to guess when the application has no lease', async () => {
    const e = entrata({ fileTypes: [], leaseIds: [], documents: {} });
    await expect(reads().findReportDocument(e.port, row)).rejects.toThrow(LeaseNotFoundError);
  });

  it("reads the applicant's last name from the application's prospect", async () => {
    const e = entrata({ fileTypes: [], leaseIds: [], documents: {} });
    expect(await reads().lastName(e.port, row, logger)).toBe('Lovelace');
    expect(await reads().lastName(e.port, { ...row, scope: 'household' }, logger)).toBeUndefined();
  });
});
