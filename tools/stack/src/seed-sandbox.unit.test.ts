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
  it("registers the tenant's configured report file types as customer-defined types", () => {
    expect(fileTypesOf(example)).toEqual([
      { id: '1201', name: 'Proof of Income' },
      { id: '1202', name: 'Applicant Identification' },
    ]);
  });

  it('adds property overrides once, with unique names', () => {
    const tenant: TenantSettings = {
      ...example,
      properties: {
        a: { entrataFileTypes: { income: '9001', identity: '1202' } },
        b: { entrataFileTypes: { income: '9001', identity: '1202' } },
      },
    };
    expect(fileTypesOf(tenant)).toEqual([
      { id: '1201', name: 'Proof of Income' },
      { id: '1202', name: 'Applicant Identification' },
      { id: '9001', name: 'Proof of Income (9001)' },
    ]);
  });

  it('gives types configured by name or systemCode an id, and the code to built-in ones', () => {
    const tenant: TenantSettings = {
      ...example,
      defaults: {
        ...example.defaults,
        entrataFileTypes: { income: { name: 'Income Proof' }, identity: { systemCode: 'PHOTO_ID' } },
      },
      properties: {},
    };
    expect(fileTypesOf(tenant)).toEqual([
      { id: '8001', name: 'Income Proof' },
      { id: '8002', name: 'PHOTO_ID', systemCode: 'PHOTO_ID' },
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
