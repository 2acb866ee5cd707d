import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TenantsFile } from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import { PROPERTIES } from '../src/tenants.ts';
import { household, letters, propertyRules } from './population.ts';

const example = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'config', 'tenants.example.json'), 'utf8'),
) as TenantsFile;

describe('the drill population', () => {
  it('alternates a one-person household at the identity property and a pair at the email-only one', () => {
    expect(household(0, 'tag').propertyId).toBe(PROPERTIES.identity);
    expect(household(0, 'tag').applicants.map((a) => a.customerType)).toEqual(['Primary']);
    const pair = household(1, 'tag');
    expect(pair.propertyId).toBe(PROPERTIES.incomeOnly);
    expect(pair.applicants.map((a) => [a.customerType, Boolean(a.phones?.cell)])).toEqual([
      ['Primary', true],
      ['Guarantor', false],
    ]);
    expect(pair.applicants[0]?.email).not.toBe(household(3, 'tag').applicants[0]?.email);
  });

  it('resolves kinds and channels like the services: the property over the defaults', () => {
    expect(propertyRules(example, PROPERTIES.identity)).toEqual({
      kinds: ['income', 'identity'],
      channels: { email: true, sms: true },
    });
    expect(propertyRules(example, PROPERTIES.incomeOnly)).toEqual({
      kinds: ['income'],
      channels: { email: true, sms: false },
    });
  });

  it('spells numbers in letters only', () => {
    expect([0, 25, 26, 27, 701].map(letters)).toEqual(['a', 'z', 'ba', 'bb', 'baz']);
  });
});
