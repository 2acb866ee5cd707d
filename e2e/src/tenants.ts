/**
 * The customers the end-to-end stack runs with: the example tenants file (config/tenants.example.json)
 * with a fast reminder schedule, a fast reconciliation poll, time zones in which it is daytime now (so
 * reminders are never deferred, whenever CI runs) and one extra property in which it is night now.
 */
import type { TenantSettings, TenantsFile } from '@autoverify/contracts';
import { daytimeZone, nighttimeZone } from '@autoverify/stack';

/** Property ids of the example file (and the night-time one added here) and what each is for. */
/** The example customer the tests submit applications for (its Entrata org has the same name). */
export const E2E_TENANT = 'demo-pm';

export const PROPERTIES = {
  /** Aspen Ridge: identity verification on, email + SMS. */
  identity: 100001,
  /** Lone Star Lofts: income only, email only (TX). */
  incomeOnly: 100002,
  /** Night Owl Flats: identity off, email + SMS, a zone where it is night now (CO rules: 08:00-21:00). */
  night: 100004,
  /** Rentless Row: no monthly rent anywhere (no setting, Entrata gives none): nothing can be requested. */
  noRent: 100005,
} as const;

/** The night-time property's rent setting (the example's properties carry their own). */
export const NIGHT_RENT_CENTS = 99_000;

/**
 * Reminder n is due at invite + firstAfterHours + (n-1) × intervalHours: ~11 s, then ~32 s. The gap leaves
 * a test time to complete verifications between the first and the second reminder.
 */
export const E2E_REMINDERS = { firstAfterHours: 0.003, intervalHours: 0.006, maxCount: 2 } as const;
/** The poll that finds applications whose webhook was lost: every 3 s. */
export const E2E_RECONCILIATION_MINUTES = 0.05;

export interface E2eTenantsInfo {
  dayZone: string;
  nightZone: string;
  fileTypes: { income: string; identity: string };
}

export function e2eTenants(file: TenantsFile, now: Date): { file: TenantsFile; info: E2eTenantsInfo } {
  const dayZone = daytimeZone(now);
  const nightZone = nighttimeZone(now);
  const night = String(PROPERTIES.night);
  const noRent = String(PROPERTIES.noRent);
  const tenants = file.tenants.map((tenant) => {
    const properties = Object.fromEntries(
      Object.entries(tenant.properties).map(([id, property]) => [
        id,
        {
          ...property,
          timeZone: dayZone,
          ...(property.reminders ? { reminders: { ...E2E_REMINDERS } } : {}),
        },
      ]),
    );
    if (tenant.id !== E2E_TENANT)
      return { ...tenant, defaults: { ...tenant.defaults, timeZone: dayZone }, properties };
    properties[night] = {
      name: 'Night Owl Flats',
      address: { street: '1 Owl Way', city: 'Denver', state: 'CO', zip: '80205' },
      identityVerification: false,
      channels: { email: true, sms: true },
      timeZone: nightZone,
      state: 'CO',
      monthlyRentCents: NIGHT_RENT_CENTS,
    };
    // Deliberately without monthlyRentCents: the rent_unknown scenario.
    properties[noRent] = {
      name: 'Rentless Row',
      address: { street: '9 Rentless Row', city: 'Denver', state: 'CO', zip: '80205' },
      timeZone: dayZone,
      state: 'CO',
    };
    return {
      ...tenant,
      entrata: {
        ...tenant.entrata,
        propertyIds: [...new Set([...tenant.entrata.propertyIds, night, noRent])],
      },
      reconciliation: { ...tenant.reconciliation, intervalMinutes: E2E_RECONCILIATION_MINUTES },
      defaults: { ...tenant.defaults, timeZone: dayZone, reminders: { ...E2E_REMINDERS } },
      properties,
    };
  });
  const ours = tenants.find((tenant) => tenant.id === E2E_TENANT);
  if (!ours) throw new Error(`the tenants file has no tenant "${E2E_TENANT}" for the e2e tests`);
  return { file: { tenants }, info: { dayZone, nightZone, fileTypes: fileTypeIds(ours) } };
}

/**
 * The file type ids the tests expect on uploaded documents. A tenant may name its types by systemCode or
 * name too (resolved against getLeasePickList by report-sync); the tests compare ids, so they need ids.
 */
export function fileTypeIds(tenant: TenantSettings): { income: string; identity: string } {
  const { income, identity } = tenant.defaults.entrataFileTypes;
  if (typeof income !== 'string' || typeof identity !== 'string')
    throw new Error(`tenant ${tenant.id}: the e2e tests need defaults.entrataFileTypes as ids`);
  return { income, identity };
}
