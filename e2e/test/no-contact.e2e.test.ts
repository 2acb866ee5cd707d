import { applicantIdFor, InviteBlockedV2, InviteSent } from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import { e2e, eventually, inbox, invitesWhen, submit } from '../src/harness.ts';
import { expectedInvites, inviteTally } from '../src/messages.ts';
import { person } from '../src/people.ts';
import { PROPERTIES } from '../src/tenants.ts';

describe('an applicant without contact details', () => {
  it('is reported as InviteBlocked (no_contact) while the others are invited', async () => {
    const t = e2e();
    const primary = person({ role: 'Primary', firstName: 'Ida' });
    const silent = person({ role: 'Co-Applicant', firstName: 'Nobody', email: false, phone: false });
    const guarantor = person({ role: 'Guarantor', firstName: 'Emmy', phone: false });
    const app = await submit(t, PROPERTIES.identity, [primary, silent, guarantor]);
    const silentCustomer = app.entrata.customers.find((c) => c.firstName === 'Nobody');
    const silentId = applicantIdFor(
      t.tenantId,
      String(app.entrata.applicationId),
      String(silentCustomer?.customerId),
    );

    const blocked = await eventually(async () => {
      const events = await t.events.of(InviteBlockedV2, app.applicationId);
      return events.length > 0 ? events : undefined;
    });
    expect(blocked.every((e) => e.payload.applicantId === silentId)).toBe(true);
    expect(blocked.every((e) => e.payload.reason === 'no_contact')).toBe(true);

    for (const p of [primary, guarantor]) await invitesWhen(t, p, expectedInvites(p, ['income', 'identity']));
    expect(inviteTally(await inbox(t, primary))).toEqual(expectedInvites(primary, ['income', 'identity']));
    const sent = await t.events.of(InviteSent, app.applicationId);
    expect(sent.some((e) => e.payload.applicantId === silentId)).toBe(false);
  });
});
