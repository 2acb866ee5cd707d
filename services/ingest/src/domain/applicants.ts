import { createHash } from 'node:crypto';
import { type ApplicationSubmitted, applicantIdFor, type PayloadOf } from '@autoverify/contracts';
import type { EntrataLeaseCustomer, EntrataProspect } from '@autoverify/entrata-client';
import { normaliseEmail, pickMobilePhone } from './contacts.ts';

type Payload = PayloadOf<typeof ApplicationSubmitted>;
export type Applicant = Payload['applicants'][number];
export type Excluded = Payload['excluded'][number];
export type ApplicantRole = Applicant['role'];

/**
 * Entrata's customer types, compared without case, spaces or dashes. "Responsible" is Entrata's name for a
 * financially responsible co-applicant and "Not Responsible" for an occupant. Minors are occupants.
 */
const ROLES: Record<string, ApplicantRole | 'occupant'> = {
  primary: 'primary',
  primaryapplicant: 'primary',
  coapplicant: 'co-applicant',
  responsible: 'co-applicant',
  guarantor: 'guarantor',
  cosigner: 'guarantor',
  occupant: 'occupant',
  notresponsible: 'occupant',
  nonresponsible: 'occupant',
  minor: 'occupant',
};

export function mapCustomerType(customerType: string): ApplicantRole | 'occupant' | undefined {
  return ROLES[customerType.toLowerCase().replace(/[^a-z]/g, '')];
}

const ROLE_ORDER: Record<ApplicantRole, number> = { primary: 0, 'co-applicant': 1, guarantor: 2 };

export interface BuiltApplicants {
  applicants: Applicant[];
  excluded: Excluded[];
}

/**
 * Joins getLeads (contacts) with getLeases (roles). Every person ends up either as an applicant (with any
 * contact problem listed in contactIssues) or in `excluded` with the reason: nobody is skipped silently.
 * The output is sorted, so the same Entrata data always gives the same payload and hash.
 */
export function buildApplicants(
  prospect: EntrataProspect,
  leaseCustomers: EntrataLeaseCustomer[],
  tenantId: string,
): BuiltApplicants {
  const entrataApplicationId = prospect.applicationId;
  if (!entrataApplicationId) throw new Error('buildApplicants: the prospect has no applicationId');
  const roles = new Map(leaseCustomers.map((c) => [c.customerId, c]));
  const applicants: Applicant[] = [];
  const excluded: Excluded[] = [];

  for (const customer of prospect.customers) {
    const lease = roles.get(customer.customerId);
    if (!lease) {
      excluded.push({
        entrataCustomerId: customer.customerId,
        role: 'unknown',
        reason: 'role unknown: customer not on the lease (getLeases)',
      });
      continue;
    }
    const role = mapCustomerType(lease.customerType);
    if (role === 'occupant') {
      excluded.push({
        entrataCustomerId: customer.customerId,
        role: 'occupant',
        reason: `occupants are not applicants (${lease.customerType})`,
      });
      continue;
    }
    if (role === undefined) {
      excluded.push({
        entrataCustomerId: customer.customerId,
        role: lease.customerType,
        reason: `unknown customer type "${lease.customerType}"`,
      });
      continue;
    }
    const email = normaliseEmail(customer.email);
    const phone = pickMobilePhone(customer.cellPhoneNumber, customer.personalPhoneNumber);
    const contactIssues: Applicant['contactIssues'] = [];
    if (!email.ok) contactIssues.push({ field: 'email', problem: email.problem });
    if (!phone.ok) contactIssues.push({ field: 'phone', problem: phone.problem });
    applicants.push({
      applicantId: applicantIdFor(tenantId, entrataApplicationId, customer.customerId),
      entrataCustomerId: customer.customerId,
      role,
      firstName: customer.firstName.slice(0, 200),
      lastName: customer.lastName.slice(0, 200),
      ...(email.ok ? { email: email.value } : {}),
      ...(phone.ok ? { mobilePhone: phone.value } : {}),
      contactIssues,
    });
  }
  // On the lease but not in getLeads: a role without any contact data to invite with.
  const inLeads = new Set(prospect.customers.map((c) => c.customerId));
  for (const lease of leaseCustomers) {
    if (!inLeads.has(lease.customerId)) {
      excluded.push({
        entrataCustomerId: lease.customerId,
        role: lease.customerType,
        reason: 'not returned by getLeads: no contact data',
      });
    }
  }

  applicants.sort(
    (a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || compareIds(a.entrataCustomerId, b.entrataCustomerId),
  );
  excluded.sort((a, b) => compareIds(a.entrataCustomerId, b.entrataCustomerId));
  return { applicants, excluded };
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Stable fingerprint of who is invited and how to reach them: a change means ApplicationSubmitted again. */
export function applicantsHash(built: BuiltApplicants): string {
  return createHash('sha256').update(canonicalJson(built)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
