import { describe, expect, it } from 'vitest';
import { parseLeadsResult } from './leads.ts';
import { parseLeaseDocumentsResult, parseLeasesResult, parseSendLeaseDocumentsResult } from './leases.ts';

describe('parseLeadsResult', () => {
  it('normalises ids, single-object lists, dates and absent keys', () => {
    const out = parseLeadsResult({
      prospects: {
        prospect: {
          leadId: 3000001,
          applicationId: '2000001',
          status: 'Application Completed',
          createdOn: '11/24/2026 08:04:05',
          customers: {
            customer: {
              customerId: 5000001,
              firstName: 'Ada',
              lastName: 'Lovelace',
              email: 'ada@example.com',
              cellPhoneNumber: '303-555-0123',
              faxPhoneNumber: '',
            },
          },
        },
      },
    });
    expect(out).toEqual({
      prospects: [
        {
          leadId: '3000001',
          applicationId: '2000001',
          status: 'Application Completed',
          createdOn: '2026-11-24T15:04:05.000Z',
          customers: [
            {
              customerId: '5000001',
              firstName: 'Ada',
              lastName: 'Lovelace',
              email: 'ada@example.com',
              cellPhoneNumber: '303-555-0123',
            },
          ],
        },
      ],
    });
  });

  it('accepts an empty result in its several spellings', () => {
    for (const empty of [{ prospects: { prospect: [] } }, { prospects: [] }, { prospects: '' }, [], null]) {
      expect(parseLeadsResult(empty)).toEqual({ prospects: [] });
    }
  });

  it('reports the path of a missing required field instead of dropping the customer', () => {
    const out = parseLeadsResult({
      prospects: {
        prospect: [
          { applicationId: 1, customers: { customer: [{ customerId: 1 }, { firstName: 'No Id' }] } },
        ],
      },
    });
    expect(out).toHaveProperty('problems');
    const problems = (out as { problems: { path: string }[] }).problems;
    expect(problems[0]?.path).toMatch(/^\/prospects\/prospect\/0\/customers\/customer\/1/);
  });
});

describe('parseLeasesResult', () => {
  it('reads customers with their role whether keyed customerId or id', () => {
    const out = parseLeasesResult({
      leases: {
        lease: [
          {
            id: 4000001,
            applicationId: 2000001,
            customers: {
              customer: [
                { id: 5000001, customerType: 'Primary', relationshipName: 'Primary' },
                { customerId: '5000002', customerType: 'Occupant', relationshipName: 'Child' },
              ],
            },
          },
        ],
      },
    });
    expect(out).toEqual({
      leases: [
        {
          leaseId: '4000001',
          applicationId: '2000001',
          customers: [
            { customerId: '5000001', customerType: 'Primary', relationshipName: 'Primary' },
            { customerId: '5000002', customerType: 'Occupant', relationshipName: 'Child' },
          ],
        },
      ],
    });
  });

  it('reports a customer without id or type', () => {
    const out = parseLeasesResult({
      leases: { lease: { customers: { customer: { customerType: 'Primary' } } } },
    });
    expect(out).toEqual({
      problems: [
        { path: '/leases/lease/0/customers/customer/0/customerId', message: 'customerId is required' },
      ],
    });
  });
});

describe('document results', () => {
  it('reads the document list and comma-separated customer ids', () => {
    expect(
      parseLeaseDocumentsResult({
        leaseDocuments: {
          leaseDocument: {
            fileId: 9000001,
            fileName: 'a.pdf',
            fileTypeId: 7001,
            customerIds: '1, 2',
            addedOn: '2026-11-24 08:00:00',
          },
        },
      }),
    ).toEqual({
      documents: [
        {
          fileId: '9000001',
          fileName: 'a.pdf',
          fileTypeId: '7001',
          customerIds: ['1', '2'],
          addedOn: '2026-11-24T15:00:00.000Z',
        },
      ],
    });
    expect(parseLeaseDocumentsResult({})).toEqual({ documents: [] });
  });

  it('reads the upload result', () => {
    expect(
      parseSendLeaseDocumentsResult({ files: { file: { fileId: 9000002, status: 'Success' } } }),
    ).toEqual({
      files: [{ fileId: '9000002', status: 'Success' }],
    });
    expect(parseSendLeaseDocumentsResult({})).toHaveProperty('problems');
  });
});
