import { ApplicationSubmitted, applicantIdFor } from '@autoverify/contracts';
import type { EntrataLeaseCustomer, EntrataProspect } from '@autoverify/entrata-client';
import { buildEvent } from '@autoverify/messaging';
import { describe, expect, it } from 'vitest';
import { applicantsHash, buildApplicants, mapCustomerType } from './applicants.ts';

const prospect = (customers: EntrataProspect['customers']): EntrataProspect => ({
  applicationId: '2000001',
  status: 'Application Completed',
  createdOn: '2026-11-24T15:04:05.000Z',
  customers,
});
const ada = {
  customerId: '501',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  cellPhoneNumber: '303-555-0123',
};
const bob = {
  customerId: '502',
  firstName: 'Bob',
  lastName: 'Lovelace',
  personalPhoneNumber: '(720) 555-0100',
};
const kid = { customerId: '503', firstName: 'Kid', lastName: 'Lovelace' };
const gus = {
  customerId: '504',
  firstName: 'Gus',
  lastName: 'Guarantor',
  email: 'gus@@example',
  cellPhoneNumber: '555',
};
const role = (customerId: string, customerType: string, relationshipName?: string): EntrataLeaseCustomer => ({
  customerId,
  customerType,
  ...(relationshipName ? { relationshipName } : {}),
});

describe('mapCustomerType', () => {
  it('maps Entrata customer types without regard to case or punctuation', () => {
    expect(mapCustomerType('Primary')).toBe('primary');
    expect(mapCustomerType('Co-Applicant')).toBe('co-applicant');
    expect(mapCustomerType('coapplicant')).toBe('co-applicant');
    expect(mapCustomerType('Responsible')).toBe('co-applicant');
    expect(mapCustomerType('GUARANTOR')).toBe('guarantor');
    expect(mapCustomerType('Occupant')).toBe('occupant');
    expect(mapCustomerType('Not Responsible')).toBe('occupant');
    expect(mapCustomerType('Pet')).toBeUndefined();
  });
});

describe('buildApplicants', () => {
  it('builds primary, co-applicant and guarantor; excludes occupants (minors) with the reason', () => {
    const built = buildApplicants(
      prospect([kid, gus, bob, ada]),
      [
        role('501', 'Primary'),
        role('502', 'Co-Applicant', 'Spouse'),
        role('503', 'Occupant', 'Child'),
        role('504', 'Guarantor'),
      ],
      'acme',
    );
    expect(built.applicants.map((a) => [a.entrataCustomerId, a.role])).toEqual([
      ['501', 'primary'],
      ['502', 'co-applicant'],
      ['504', 'guarantor'],
    ]);
    expect(built.applicants[0]).toEqual({
      applicantId: applicantIdFor('acme', '2000001', '501'),
      entrataCustomerId: '501',
      role: 'primary',
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      mobilePhone: '+13035550123',
      contactIssues: [],
    });
    expect(built.excluded).toEqual([
      { entrataCustomerId: '503', role: 'occupant', reason: 'occupants are not applicants (Occupant)' },
    ]);
  });

  it('records missing and invalid contacts instead of skipping the applicant', () => {
    const built = buildApplicants(
      prospect([ada, bob, gus]),
      [role('501', 'Primary'), role('502', 'Co-Applicant'), role('504', 'Guarantor')],
      'acme',
    );
    const byId = Object.fromEntries(built.applicants.map((a) => [a.entrataCustomerId, a]));
    expect(byId['502']).toMatchObject({
      mobilePhone: '+17205550100',
      contactIssues: [{ field: 'email', problem: 'missing' }],
    });
    expect(byId['502']).not.toHaveProperty('email');
    expect(byId['504']?.contactIssues).toEqual([
      { field: 'email', problem: 'invalid' },
      { field: 'phone', problem: 'invalid' },
    ]);
  });

  it('excludes people without a role or with an unknown type, and lease customers missing from getLeads', () => {
    const built = buildApplicants(
      prospect([ada, bob]),
      [role('501', 'Primary'), role('505', 'Co-Applicant')],
      'acme',
    );
    expect(built.applicants.map((a) => a.entrataCustomerId)).toEqual(['501']);
    expect(built.excluded).toEqual([
      {
        entrataCustomerId: '502',
        role: 'unknown',
        reason: 'role unknown: customer not on the lease (getLeases)',
      },
      { entrataCustomerId: '505', role: 'Co-Applicant', reason: 'not returned by getLeads: no contact data' },
    ]);
    const odd = buildApplicants(prospect([ada]), [role('501', 'Pet Owner')], 'acme');
    expect(odd.excluded[0]?.reason).toBe('unknown customer type "Pet Owner"');
  });

  it('produces a payload the ApplicationSubmitted contract accepts', () => {
    const built = buildApplicants(
      prospect([ada, bob, gus, kid]),
      [
        role('501', 'Primary'),
        role('502', 'Co-Applicant'),
        role('503', 'Occupant'),
        role('504', 'Guarantor'),
      ],
      'acme',
    );
    expect(() =>
      buildEvent(
        ApplicationSubmitted,
        {
          applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
          entrataApplicationId: '2000001',
          propertyId: '100200',
          submittedAt: '2026-11-24T15:04:05.000Z',
          source: 'webhook',
          ...built,
        },
        { tenantId: 'acme', correlationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10' },
      ),
    ).not.toThrow();
  });
});

describe('applicantsHash', () => {
  it('is the same for the same people whatever the order Entrata lists them in', () => {
    const roles = [role('501', 'Primary'), role('502', 'Co-Applicant')];
    const a = buildApplicants(prospect([ada, bob]), roles, 'acme');
    const b = buildApplicants(prospect([bob, ada]), [...roles].reverse(), 'acme');
    expect(applicantsHash(a)).toBe(applicantsHash(b));
  });

  it('changes when a contact changes', () => {
    const roles = [role('501', 'Primary')];
    const before = applicantsHash(buildApplicants(prospect([ada]), roles, 'acme'));
    const after = applicantsHash(
      buildApplicants(prospect([{ ...ada, email: 'ada@new.example.com' }]), roles, 'acme'),
    );
    expect(after).not.toBe(before);
  });
});
