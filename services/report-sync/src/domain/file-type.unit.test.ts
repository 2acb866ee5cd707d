import { describe, expect, it } from 'vitest';
import { ConfigurationError, fileTypeSetting, resolveFileTypeId } from './file-type.ts';

const pickList = [
  { id: '41', systemCode: 'LEASE', name: 'Lease Document' },
  { id: '7001', name: 'Proof of Income' },
  { id: '7002', name: 'Applicant Identification' },
];

describe('resolveFileTypeId', () => {
  it('finds the income and identity types by id, systemCode or name in the pick list', () => {
    expect(resolveFileTypeId(pickList, { income: '7001', identity: '7002' }, 'income')).toBe('7001');
    expect(
      resolveFileTypeId(
        pickList,
        { income: '7001', identity: { name: 'applicant identification' } },
        'identity',
      ),
    ).toBe('7002');
    expect(resolveFileTypeId(pickList, { income: { systemCode: 'LEASE' }, identity: '7002' }, 'income')).toBe(
      '41',
    );
  });

  it('files asset reports under the income type', () => {
    expect(resolveFileTypeId(pickList, { income: '7001', identity: '7002' }, 'asset')).toBe('7001');
  });

  it('names the configured type the customer does not have', () => {
    expect(() =>
      resolveFileTypeId(pickList, { income: { name: 'Income Report' }, identity: '7002' }, 'income'),
    ).toThrow(
      /^the Entrata file type for income reports \(entrataFileTypes\.income = name "Income Report"\) is not in the customer's getLeasePickList: no file type with name "Income Report"; the customer's file types: 41 "Lease Document"/,
    );
    expect(() => resolveFileTypeId(pickList, { income: '7001', identity: '9999' }, 'identity')).toThrow(
      ConfigurationError,
    );
  });

  it('is a configuration error when the type is missing or blank', () => {
    expect(() => fileTypeSetting(undefined, 'income')).toThrow(ConfigurationError);
    expect(() => fileTypeSetting({ income: ' ', identity: '7002' }, 'asset')).toThrow(
      /entrataFileTypes\.income/,
    );
  });
});
