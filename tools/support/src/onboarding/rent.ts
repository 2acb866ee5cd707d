import { type Finding, fail, ok } from './findings.ts';

const dollars = (cents: number) =>
  (cents / 100).toLocaleString('en-US', { style: 'currency', currency: 'USD' });

/**
 * The verification platform requires `monthly_rent`, so every property needs a source for it. Entrata gives
 * none: no documented Entrata field carries an application's rent (getLeads prospects only carry the
 * applicant's desired rent range; the published getLeases r2 and getLeaseDetails models carry no amount), so
 * the property setting is the only source.
 */
export function rentFinding(area: string, settingCents: number | undefined): Finding {
  if (settingCents !== undefined)
    return ok(
      area,
      `monthly rent: ${dollars(settingCents)} from the property setting (Entrata documents no rent field)`,
    );
  return fail(
    area,
    "no rent source: Entrata documents no field with the application's rent, and the property has no rent setting",
    "Set the property's monthly rent (monthlyRentCents) in the tenants file; without it no verification request can be made and nobody is invited.",
  );
}
