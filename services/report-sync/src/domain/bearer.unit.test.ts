import { describe, expect, it } from 'vitest';
import { checkBearer } from './bearer.ts';

const token = 'a-long-enough-admin-token';

describe('checkBearer', () => {
  it('accepts the exact token, case-insensitive scheme', () => {
    expect(checkBearer(`Bearer ${token}`, token)).toBe('ok');
    expect(checkBearer(`bearer ${token}`, token)).toBe('ok');
  });

  it('tells a missing or malformed header from a wrong token', () => {
    expect(checkBearer(undefined, token)).toBe('missing');
    expect(checkBearer('', token)).toBe('missing');
    expect(checkBearer(`Basic ${token}`, token)).toBe('missing');
    expect(checkBearer('Bearer', token)).toBe('missing');
    expect(checkBearer('Bearer wrong', token)).toBe('invalid');
    expect(checkBearer(`Bearer ${token}x`, token)).toBe('invalid');
  });
});
