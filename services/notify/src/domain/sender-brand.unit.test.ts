import { describe, expect, it } from 'vitest';
import { brandForSenderNumber } from './sender-brand.ts';

const tenant = (
  brand: string,
  smsFrom: string,
  properties: Record<string, { sender?: { brandName: string; smsFrom: string } }> = {},
) => ({
  defaults: { sender: { brandName: brand, smsFrom } },
  properties,
});

describe('brandForSenderNumber', () => {
  it('finds the brand sending from a number, in defaults or property overrides', () => {
    const tenants = [
      tenant('Acme', '+13035550100', {
        '7': { sender: { brandName: 'Acme Lofts', smsFrom: '+13035550199' } },
      }),
      tenant('Zen', '+12125550100'),
    ];
    expect(brandForSenderNumber(tenants, '+12125550100')).toBe('Zen');
    expect(brandForSenderNumber(tenants, '+13035550199')).toBe('Acme Lofts');
  });

  it('answers nothing for unknown or shared numbers', () => {
    const tenants = [tenant('Acme', '+13035550100'), tenant('Zen', '+13035550100')];
    expect(brandForSenderNumber(tenants, '+13035550100')).toBeUndefined();
    expect(brandForSenderNumber(tenants, '+19995550100')).toBeUndefined();
  });
});
