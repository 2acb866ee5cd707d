import { describe, expect, it } from 'vitest';
import { errorCode, NOT_SENT_CODES, TIMEOUT_CODES } from './transport-failures.ts';

describe('transport failures', () => {
  it('finds the code on an error or its causes', () => {
    expect(errorCode(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    const wrapped = new Error('fetch failed', {
      cause: Object.assign(new Error('y'), { code: 'ENOTFOUND' }),
    });
    expect(errorCode(wrapped)).toBe('ENOTFOUND');
    expect(errorCode(new Error('none'))).toBeUndefined();
    expect(errorCode(undefined)).toBeUndefined();
  });

  it('tells a request never sent from one that timed out', () => {
    expect(NOT_SENT_CODES.has('ECONNREFUSED')).toBe(true);
    expect(NOT_SENT_CODES.has('UND_ERR_HEADERS_TIMEOUT')).toBe(false);
    expect(TIMEOUT_CODES.has('UND_ERR_HEADERS_TIMEOUT')).toBe(true);
  });
});
