import { applicationIdFor } from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import { parseApplicationRef } from './application-ref.ts';

describe('parseApplicationRef', () => {
  it('takes our id as it is (lower-cased)', () => {
    const id = '0B8F0F0E-5C33-5B2D-9D7A-3B7C7B2F6A10';
    expect(parseApplicationRef(id)).toEqual({ kind: 'ours', applicationId: id.toLowerCase() });
  });

  it("derives our id from Entrata's, which is unique only per customer", () => {
    expect(parseApplicationRef('entrata:demo-pm:14423')).toEqual({
      kind: 'entrata',
      tenantId: 'demo-pm',
      entrataApplicationId: '14423',
      applicationId: applicationIdFor('demo-pm', '14423'),
    });
  });

  it('says what is wrong with anything else', () => {
    expect(() => parseApplicationRef('14423')).toThrow(/neither our application id/);
    expect(() => parseApplicationRef('entrata:Demo_PM:1')).toThrow(/not a tenant id/);
    expect(() => parseApplicationRef('entrata:demo-pm:')).toThrow(/missing/);
  });
});
