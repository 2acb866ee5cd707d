import { describe, expect, it } from 'vitest';
import { hashWithRent, resolveMonthlyRent } from './rent.ts';

describe('resolveMonthlyRent', () => {
  it("prefers Entrata's rent, then the property setting", () => {
    expect(resolveMonthlyRent({ fromEntrata: 185000, setting: 150000 })).toEqual({
      cents: 185000,
      source: 'entrata',
    });
    expect(resolveMonthlyRent({ fromEntrata: undefined, setting: 150000 })).toEqual({
      cents: 150000,
      source: 'property_setting',
    });
  });

  it('is unknown without a usable amount, never made up', () => {
    expect(resolveMonthlyRent({})).toBeUndefined();
    expect(resolveMonthlyRent({ fromEntrata: 0, setting: undefined })).toBeUndefined();
    expect(resolveMonthlyRent({ fromEntrata: 1500.5 })).toBeUndefined();
    expect(resolveMonthlyRent({ fromEntrata: -1, setting: 120000 })).toEqual({
      cents: 120000,
      source: 'property_setting',
    });
  });
});

describe('hashWithRent', () => {
  it('keeps the applicants hash without a rent and changes it when a rent appears or changes', () => {
    expect(hashWithRent('abc', undefined)).toBe('abc');
    const withRent = hashWithRent('abc', { cents: 150000, source: 'property_setting' });
    expect(withRent).not.toBe('abc');
    expect(hashWithRent('abc', { cents: 150001, source: 'property_setting' })).not.toBe(withRent);
  });
});
