import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TenantSettings, TenantsFile } from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './paths.ts';
import { fileTypesOf, orgOf } from './seed-sandbox.ts';

const example = (
  JSON.parse(readFileSync(join(repoRoot, 'config', 'tenants.example.json'), 'utf8')) as TenantsFile
).tenants[0] as TenantSettings;

describe('fileTypesOf', () => {
  it("registers the tenant's configured report file types", () => {
    expect(fileTypesOf(example)).toEqual([
      { id: '1201', name: 'Proof of Income', systemCode: 'POI' },
      { id: '1202', name: 'Applicant Identification', systemCode: 'AID' },
    ]);
  });

  it('adds property overrides once, with unique system codes', () => {
    const tenant: TenantSettings = {
      ...example,
      properties: {
        a: { entrataFileTypes: { income: '9001', identity: '1202' } },
        b: { entrataFileTypes: { income: '9001', identity: '1202' } },
      },
    };
    expect(fileTypesOf(tenant)).toEqual([
      { id: '1201', name: 'Proof of Income', systemCode: 'POI' },
      { id: '1202', name: 'Applicant Identification', systemCode: 'AID' },
      { id: '9001', name: 'Proof of Income', systemCode: 'POI-9001' },
    ]);
  });
});

describe('orgOf', () => {
  it('is the /orgs/{org} segment of the Entrata base URL', () => {
    expect(orgOf(example)).toBe('demo-pm');
    expect(() =>
      orgOf({ ...example, entrata: { ...example.entrata, baseUrl: 'https://x.example.com/v1' } }),
    ).toThrow(/no \/orgs\/\{org\} segment/);
  });
});
