import { describe, expect, it } from 'vitest';
import { ConfigurationError, resolveFileTypeId } from './file-type.ts';

const types = { income: '7001', identity: '7002' };

describe('resolveFileTypeId', () => {
  it('uses the income and identity types of the property', () => {
    expect(resolveFileTypeId(types, 'income')).toBe('7001');
    expect(resolveFileTypeId(types, 'identity')).toBe('7002');
  });

  it('files asset reports under the income type', () => {
    expect(resolveFileTypeId(types, 'asset')).toBe('7001');
  });

  it('is a configuration error when the type is missing or blank', () => {
    expect(() => resolveFileTypeId(undefined, 'income')).toThrow(ConfigurationError);
    expect(() => resolveFileTypeId({ income: ' ', identity: '7002' }, 'asset')).toThrow(
      /entrataFileTypes\.income/,
    );
  });
});
