import type { ResolvedProperty } from '@autoverify/config';
import { DocumentedCreateRequest, problemsAgainst } from '@autoverify/verification-client/documented/shapes';
import { describe, expect, it } from 'vitest';
import { groupRequest, toNewApplicant } from './platform-request.ts';

const property = {
  tenantId: 'acme',
  propertyId: '100200',
  name: 'Aspen Ridge',
  address: { street: '1 Elm St', city: 'Denver', state: 'CO', zip: '80202' },
  state: 'CO',
  sender: { brandName: 'Acme PM' },
} as unknown as ResolvedProperty;

describe('groupRequest', () => {
  it('builds a request of the documented shape: <kind>_verification, monthly_rent, decision maker', () => {
    const request = groupRequest({
      correlationId: 'app-1',
      propertyId: '100200',
      property,
      monthlyRentCents: 185000,
      applicants: [
        toNewApplicant(
          { firstName: 'Ada', lastName: 'L', email: 'ada@example.com', mobilePhone: '+13035550123' },
          ['income', 'identity'],
        ),
        toNewApplicant({ firstName: 'Bo', lastName: 'L', email: 'bo@example.com', mobilePhone: null }, [
          'income',
        ]),
      ],
      webhookUrl: 'http://127.0.0.1:3001/webhooks/verification-platform',
    });
    expect(problemsAgainst(DocumentedCreateRequest, request)).toEqual([]);
    expect(request).toMatchObject({
      monthly_rent: 185000,
      decision_maker_display_name: 'Acme PM',
      is_invitation_disabled: true,
      correlation_id: 'app-1',
    });
    expect(request.applicants[0]?.verifications).toEqual([
      { type: 'income_verification' },
      { type: 'identity_verification' },
    ]);
    expect(request.applicants[1]).not.toHaveProperty('phone_number');
  });
});
