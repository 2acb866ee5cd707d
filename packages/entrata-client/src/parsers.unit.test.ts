import { describe, expect, it } from 'vitest';
import { parseLeaseDocumentsResult, parseSendLeaseDocumentsResult } from './documents.ts';
import { parseLeadsResult } from './leads.ts';
import { parseLeasesResult } from './leases.ts';

describe('parseLeadsResult', () => {
  it('normalises ids, single-object lists, dates and absent keys', () => {
    const out = parseLeadsResult({
      prospects: {
        prospect: {
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

  it('takes a role sent as a one-element array, as getCustomers sends CustomerType', () => {
    const out = parseLeasesResult({
      leases: { lease: { id: 1, customers: { customer: [{ id: 7, customerType: ['Guarantor'] }] } } },
    });
    expect(out).toEqual({
      leases: [{ leaseId: '1', customers: [{ customerId: '7', customerType: 'Guarantor' }] }],
    });
    expect(
      parseLeasesResult({
        leases: { lease: { customers: { customer: { id: 7, customerType: ['Guarantor', 'Primary'] } } } },
      }),
    ).toEqual({
      problems: [
        {
          path: '/leases/lease/0/customers/customer/0/customerType',
          message: 'customerType must name one role (got ["Guarantor","Primary"])',
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
  it('reads the document list of the published model (id, type, name, title, leaseId)', () => {
    expect(
      parseLeaseDocumentsResult({
        leaseDocuments: {
          leaseDocument: {
            id: 9000001,
            type: 'Proof of Income',
            name: 'a.pdf',
            title: 'A',
            leaseId: '4000001',
          },
        },
      }),
    ).toEqual({
      documents: [
        { fileId: '9000001', fileName: 'a.pdf', fileTypeName: 'Proof of Income', leaseId: '4000001' },
      ],
    });
    expect(parseLeaseDocumentsResult({})).toEqual({ documents: [] });
    expect(parseLeaseDocumentsResult({ leaseDocuments: { leaseDocument: [{ name: 'x' }] } })).toEqual({
      problems: [{ path: '/leaseDocuments/leaseDocument/0/id', message: 'id is required' }],
    });
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
