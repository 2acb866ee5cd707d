import { describe, expect, it } from 'vitest';
import { hashHasRent, hashWithRent, resolveMonthlyRent } from './rent.ts';

describe('resolveMonthlyRent', () => {
  it("takes the property's setting", () => {
    expect(resolveMonthlyRent(150000)).toEqual({ cents: 150000, source: 'property_setting' });
  });

  it('is unknown without a usable amount, never made up', () => {
    for (const cents of [undefined, 0, -1, 1500.5]) expect(resolveMonthlyRent(cents)).toBeUndefined();
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

describe('hashHasRent', () => {
  it('tells a content published with a rent from one published without', () => {
    expect(hashHasRent(hashWithRent('abc', { cents: 150000, source: 'property_setting' }))).toBe(true);
    expect(hashHasRent(hashWithRent('abc', undefined))).toBe(false);
    expect(hashHasRent(null)).toBe(false);
  });
});
