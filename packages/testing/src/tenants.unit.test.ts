import { collectProblems } from '@autoverify/config';
import { TenantsFile } from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import {
  mergeDeep,
  secretEnvNames,
  tenantEnvPrefix,
  testSecrets,
  testTenant,
  testTenantsFile,
} from './tenants.ts';

describe('mergeDeep', () => {
  it('merges plain objects key by key and replaces arrays, scalars and null', () => {
    const base = { a: { b: 1, c: [1, 2], d: 'x' }, e: 1, f: { g: 1 } as { g: number } | null };
    expect(mergeDeep(base, { a: { c: [3] }, f: null })).toEqual({
      a: { b: 1, c: [3], d: 'x' },
      e: 1,
      f: null,
    });
  });

  it('leaves a value when its override is undefined, and changes neither input', () => {
    const base = { a: { b: 1 }, c: 2 };
    const overrides = { a: { b: undefined }, c: 3 };
    expect(mergeDeep(base, overrides)).toEqual({ a: { b: 1 }, c: 3 });
    expect(base).toEqual({ a: { b: 1 }, c: 2 });
    expect(overrides).toEqual({ a: { b: undefined }, c: 3 });
    expect(mergeDeep(base, undefined)).toBe(base);
  });

  it('adds keys the base lacks (e.g. property overrides)', () => {
    const base: { props: Record<string, { name?: string; n?: number }> } = { props: { '1': { name: 'a' } } };
    expect(mergeDeep(base, { props: { '1': { n: 1 }, '2': { name: 'b' } } })).toEqual({
      props: { '1': { name: 'a', n: 1 }, '2': { name: 'b' } },
    });
  });
});

describe('testTenant', () => {
  it('is a valid tenant with secrets named after its id', () => {
    const tenant = testTenant('acme-pm');
    expect(collectProblems(TenantsFile, { tenants: [tenant] })).toEqual([]);
    expect(tenant.entrata.auth).toEqual({ type: 'apikey', apiKey: { env: 'ACME_PM_ENTRATA_API_KEY' } });
    expect(tenant.webhook).toMatchObject({ auth: 'hmac', secrets: [{ env: 'ACME_PM_WEBHOOK_SECRET' }] });
    expect(tenant.defaults.sender.emailFrom).toBe('leasing@acme-pm.example.com');
    expect(tenant.properties).toEqual({});
  });

  it('merges overrides deeply: nested settings keep their other defaults', () => {
    const tenant = testTenant('acme', {
      defaults: { sender: { brandName: 'Acme Living' }, reminders: { maxCount: 1 } },
      properties: { '7': { name: 'Aspen Ridge', identityVerification: false } },
    });
    expect(tenant.defaults.sender).toEqual({
      brandName: 'Acme Living',
      emailFrom: 'leasing@acme.example.com',
      emailFromName: 'acme leasing',
      smsFrom: '+13035550100',
    });
    expect(tenant.defaults.reminders).toEqual({ firstAfterHours: 24, intervalHours: 48, maxCount: 1 });
    expect(tenant.properties).toEqual({ '7': { name: 'Aspen Ridge', identityVerification: false } });
    expect(testTenant('acme').defaults.reminders.maxCount).toBe(3);
  });

  it('replaces arrays, Entrata auth and the webhook whole (another shape never mixes with the default)', () => {
    const tenant = testTenant('beta', {
      entrata: {
        propertyIds: ['300100'],
        auth: { type: 'basic', username: 'u', password: { file: 'pw.txt' } },
      },
      webhook: { auth: 'basic', username: 'u', passwords: [{ env: 'BETA_PW' }] },
    });
    expect(tenant.entrata).toEqual({
      baseUrl: 'http://127.0.0.1:4000/ext/orgs/beta/v1',
      auth: { type: 'basic', username: 'u', password: { file: 'pw.txt' } },
      propertyIds: ['300100'],
      requestsPerMinute: 600,
    });
    expect(tenant.webhook).toEqual({ auth: 'basic', username: 'u', passwords: [{ env: 'BETA_PW' }] });
    expect(testTenantsFile(tenant).tenants).toHaveLength(1);
  });
});

describe('testTenantsFile', () => {
  it('holds the tenants when they are valid', () => {
    const file = testTenantsFile(testTenant('acme'), testTenant('beta'));
    expect(file.tenants.map((t) => t.id)).toEqual(['acme', 'beta']);
  });

  it('names every problem of an invalid tenant', () => {
    const bad = testTenant('acme', { defaults: { state: 'Colorado', inviteExpiryDays: -1 } });
    expect(() => testTenantsFile(bad)).toThrow(
      /invalid test tenants file:\n.*inviteExpiryDays: must be > 0\n.*state: must match/,
    );
  });
});

describe('secrets', () => {
  it('lists the env secrets of every tenant once, and fills in placeholders under given values', () => {
    const file = testTenantsFile(
      testTenant('acme', {
        webhook: { auth: 'hmac', secrets: [{ env: 'ACME_OLD' }, { env: 'ACME_NEW' }], toleranceSeconds: 300 },
      }),
      testTenant('beta', { entrata: { auth: { type: 'apikey', apiKey: { file: 'key.txt' } } } }),
    );
    expect(secretEnvNames(file)).toEqual([
      'ACME_ENTRATA_API_KEY',
      'ACME_NEW',
      'ACME_OLD',
      'BETA_WEBHOOK_SECRET',
    ]);
    expect(testSecrets(file, { ACME_NEW: 'real' })).toEqual({
      ACME_ENTRATA_API_KEY: 'test-acme-entrata-api-key',
      ACME_NEW: 'real',
      ACME_OLD: 'test-acme-old',
      BETA_WEBHOOK_SECRET: 'test-beta-webhook-secret',
    });
    expect(tenantEnvPrefix('a1-b-c')).toBe('A1_B_C');
  });
});
