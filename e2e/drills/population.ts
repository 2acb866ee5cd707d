/**
 * The applications a drill submits: two household shapes taken from the example customer's properties, so
 * both a two-kind, two-channel property and an income-only, email-only one are exercised, with what each
 * applicant should get derived from the tenants file the services read (not restated here).
 */
import type { TenantsFile } from '@autoverify/contracts';
import { person } from '../src/people.ts';
import type { ApplicantInput } from '../src/sandbox-client.ts';
import { E2E_TENANT, PROPERTIES } from '../src/tenants.ts';
import type { Kind } from './outcome.ts';

export interface Household {
  propertyId: number;
  applicants: ApplicantInput[];
}

export interface PropertyRules {
  kinds: Kind[];
  channels: { email: boolean; sms: boolean };
}

/**
 * Application i of a stream: even ones at the identity property (one applicant with email and cell: income
 * and identity by email and SMS), odd ones at the income-only, email-only property (a primary with a cell
 * number that must not be texted, and a guarantor).
 */
export function household(index: number, tag: string): Household {
  const unique = `${tag}${letters(index)}`;
  if (index % 2 === 0)
    return {
      propertyId: PROPERTIES.identity,
      applicants: [person({ role: 'Primary', firstName: 'Drill', lastName: `Solo-${unique}`, tag: unique })],
    };
  return {
    propertyId: PROPERTIES.incomeOnly,
    applicants: [
      person({ role: 'Primary', firstName: 'Drill', lastName: `Pair-${unique}`, tag: unique }),
      person({
        role: 'Guarantor',
        firstName: 'Backer',
        lastName: `Pair-${unique}`,
        phone: false,
        tag: unique,
      }),
    ],
  };
}

/** What a property asks for, resolved as the services resolve it: the property's settings over the tenant's defaults. */
export function propertyRules(file: TenantsFile, propertyId: number): PropertyRules {
  const tenant = file.tenants.find((t) => t.id === E2E_TENANT);
  if (!tenant) throw new Error(`the tenants file has no tenant "${E2E_TENANT}"`);
  const property = tenant.properties[String(propertyId)] ?? {};
  const identity = property.identityVerification ?? tenant.defaults.identityVerification;
  return {
    kinds: identity ? ['income', 'identity'] : ['income'],
    channels: property.channels ?? tenant.defaults.channels,
  };
}

/** 0 -> a, 25 -> z, 26 -> ba...: names keep letters only (report file names in Entrata drop the rest). */
export function letters(n: number): string {
  let out = '';
  let rest = n;
  do {
    out = String.fromCharCode(97 + (rest % 26)) + out;
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return out;
}
