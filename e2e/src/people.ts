/**
 * Unique applicants per test (and per demo run), so runs against the same sandbox never read each other's
 * messages: every address and number carries a random tag.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { ApplicantInput } from './sandbox-client.ts';

/**
 * A random tag for names and addresses, e.g. `kqzmtx`: letters only, because a name keeps it (report
 * file names in Entrata keep only the letters of a last name).
 */
export const uniqueTag = (): string =>
  Array.from(randomBytes(6), (b) => String.fromCharCode(97 + (b % 26))).join('');

/**
 * A random, valid-looking US mobile number (area code and exchange 2xx-9xx, never an N11 service code), so
 * runs do not share numbers (an opt-out is per number). The sandbox delivers nothing to anyone.
 */
export function uniquePhone(): string {
  const part = (): string => {
    for (;;) {
      const n = String(200 + randomInt(800));
      if (!n.endsWith('11')) return n;
    }
  };
  return `+1${part()}${part()}${String(randomInt(10_000)).padStart(4, '0')}`;
}

export interface PersonOptions {
  role: ApplicantInput['customerType'];
  firstName: string;
  lastName?: string;
  email?: boolean;
  phone?: boolean;
  tag?: string;
}

/** An applicant with an email (and a cell number unless `phone: false`) unique to this run. */
export function person({
  role,
  firstName,
  lastName,
  email = true,
  phone = true,
  tag = uniqueTag(),
}: PersonOptions): ApplicantInput {
  const last = lastName ?? `Test${tag}`;
  return {
    firstName,
    lastName: last,
    customerType: role,
    ...(email ? { email: `${firstName.toLowerCase()}.${tag}@applicants.example.com` } : {}),
    ...(phone ? { phones: { cell: uniquePhone() } } : {}),
  };
}

/** The demo's household: a primary applicant, a co-applicant without a phone, and a guarantor. */
export function household(tag = uniqueTag()): ApplicantInput[] {
  return [
    person({ role: 'Primary', firstName: 'Ada', lastName: `Lovelace-${tag}`, tag }),
    person({ role: 'Co-Applicant', firstName: 'Charles', lastName: `Babbage-${tag}`, phone: false, tag }),
    person({ role: 'Guarantor', firstName: 'Mary', lastName: `Somerville-${tag}`, tag }),
  ];
}
