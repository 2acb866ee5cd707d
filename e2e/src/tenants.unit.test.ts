import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTenants } from '@autoverify/config';
import type { TenantsFile } from '@autoverify/contracts';
import { sandboxSecrets } from '@autoverify/stack';
import { afterAll, describe, expect, it } from 'vitest';
import {
  E2E_RECONCILIATION_MINUTES,
  E2E_REMINDERS,
  E2E_TENANT,
  e2eTenants,
  NIGHT_RENT_CENTS,
  PROPERTIES,
} from './tenants.ts';

const example = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'config', 'tenants.example.json'), 'utf8'),
) as TenantsFile;
const dir = mkdtempSync(join(tmpdir(), 'e2e-tenants-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('e2eTenants', () => {
  const now = new Date('2026-01-15T12:00:00Z');
  const { file, info } = e2eTenants(example, now);
  const path = join(dir, 'tenants.json');
  writeFileSync(path, JSON.stringify(file));
  // The services load it exactly like this at start-up: an invalid adjustment fails here, not in a log.
  const tenants = loadTenants(path, { ...process.env, ...sandboxSecrets() });

  it('makes every example property fast and daytime', () => {
    for (const id of [PROPERTIES.identity, PROPERTIES.incomeOnly, 100003]) {
      const property = tenants.property(E2E_TENANT, String(id));
      expect(property.reminders).toEqual(E2E_REMINDERS);
      expect(property.timeZone).toBe(info.dayZone);
    }
    expect(tenants.require(E2E_TENANT).reconciliation.intervalMinutes).toBe(E2E_RECONCILIATION_MINUTES);
  });

  it('keeps what the scenarios rely on from the example', () => {
    expect(tenants.property(E2E_TENANT, String(PROPERTIES.identity)).identityVerification).toBe(true);
    const incomeOnly = tenants.property(E2E_TENANT, String(PROPERTIES.incomeOnly));
    expect(incomeOnly.identityVerification).toBe(false);
    expect(incomeOnly.channels).toEqual({ email: true, sms: false });
    expect(info.fileTypes).toEqual(example.tenants[0]?.defaults.entrataFileTypes);
  });

  it('adds the night-time property to the settings and to the polled properties', () => {
    const night = tenants.property(E2E_TENANT, String(PROPERTIES.night));
    expect(night.timeZone).toBe(info.nightZone);
    expect(night.state).toBe('CO');
    expect(tenants.require(E2E_TENANT).entrata.propertyIds).toContain(String(PROPERTIES.night));
    expect(info).toMatchObject({ dayZone: 'Etc/GMT-1', nightZone: 'Etc/GMT+9' });
  });

  it('gives every property a monthly rent except the one the rent_unknown scenario needs', () => {
    for (const id of [PROPERTIES.identity, PROPERTIES.incomeOnly, 100003])
      expect(tenants.property(E2E_TENANT, String(id)).monthlyRentCents).toBeGreaterThan(0);
    expect(tenants.property(E2E_TENANT, String(PROPERTIES.night)).monthlyRentCents).toBe(NIGHT_RENT_CENTS);
    expect(tenants.property(E2E_TENANT, String(PROPERTIES.noRent)).monthlyRentCents).toBeUndefined();
    expect(tenants.require(E2E_TENANT).entrata.propertyIds).toContain(String(PROPERTIES.noRent));
  });
});
