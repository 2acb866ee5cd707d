import { describe, expect, it } from 'vitest';
import { describeFileTypeRef, resolveFileType } from './file-types.ts';
import { parseLeasePickListResult } from './pick-list.ts';

describe('parseLeasePickListResult', () => {
  it('unwraps @attributes items; systemCode stays absent on customer-defined types', () => {
    expect(
      parseLeasePickListResult({
        leaseStatusTypes: { leaseStatusType: [{ '@attributes': { id: 1, name: 'Applicant' } }] },
        leaseFileTypes: {
          leaseFileType: [
            { '@attributes': { id: '41', systemCode: 'LEASE', name: 'Lease Document' } },
            { '@attributes': { id: 7001, name: 'Proof of Income' } },
          ],
        },
      }),
    ).toEqual({
      fileTypes: [
        { id: '41', systemCode: 'LEASE', name: 'Lease Document' },
        { id: '7001', name: 'Proof of Income' },
      ],
    });
  });

  it('accepts a single item, unwrapped items and an empty result', () => {
    expect(
      parseLeasePickListResult({
        leaseFileTypes: { leaseFileType: { '@attributes': { id: 1, name: 'A' } } },
      }),
    ).toEqual({ fileTypes: [{ id: '1', name: 'A' }] });
    expect(parseLeasePickListResult({ leaseFileTypes: { leaseFileType: [{ id: 2, name: 'B' }] } })).toEqual({
      fileTypes: [{ id: '2', name: 'B' }],
    });
    expect(parseLeasePickListResult({})).toEqual({ fileTypes: [] });
    expect(parseLeasePickListResult(null)).toEqual({ fileTypes: [] });
  });

  it('reports an item without id or name by its path', () => {
    expect(
      parseLeasePickListResult({ leaseFileTypes: { leaseFileType: [{ '@attributes': { name: 'No id' } }] } }),
    ).toEqual({
      problems: [{ path: '/leaseFileTypes/leaseFileType/0/@attributes/id', message: 'id is required' }],
    });
  });
});

describe('resolveFileType', () => {
  const types = [
    { id: '41', systemCode: 'LEASE', name: 'Lease Document' },
    { id: '7001', name: 'Proof of Income' },
    { id: '7002', name: 'Applicant Identification' },
    { id: '7003', name: 'applicant identification' },
  ];

  it('finds a type by id, by systemCode or by name (case-insensitive)', () => {
    expect(resolveFileType(types, '7001')).toEqual({ ok: true, fileType: types[1] });
    expect(resolveFileType(types, { systemCode: 'lease' })).toEqual({ ok: true, fileType: types[0] });
    expect(resolveFileType(types, { name: ' proof of income ' })).toEqual({ ok: true, fileType: types[1] });
  });

  it('names the missing type and lists what the customer has', () => {
    const missing = resolveFileType(types, { name: 'Income Report' });
    expect(missing).toEqual({
      ok: false,
      problem: expect.stringContaining(
        'no file type with name "Income Report"; the customer\'s file types: 41 "Lease Document" (LEASE), 7001 "Proof of Income"',
      ),
    });
    // A customer-defined type has no systemCode to match.
    expect(resolveFileType(types, { systemCode: 'Proof of Income' }).ok).toBe(false);
  });

  it('refuses a name two types share', () => {
    expect(resolveFileType(types, { name: 'Applicant Identification' })).toEqual({
      ok: false,
      problem: '2 file types match name "Applicant Identification" (7002, 7003): configure the id instead',
    });
  });

  it('describes a configured type in words', () => {
    expect([
      describeFileTypeRef('7001'),
      describeFileTypeRef({ systemCode: 'X' }),
      describeFileTypeRef({ name: 'Y' }),
    ]).toEqual(['id 7001', 'systemCode "X"', 'name "Y"']);
  });
});
