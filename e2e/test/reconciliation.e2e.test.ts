import { ApplicationSubmittedV3 } from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import { e2e, eventually, inbox, invitesWhen, submit } from '../src/harness.ts';
import { expectedInvites, inviteTally } from '../src/messages.ts';
import { person } from '../src/people.ts';
import { PROPERTIES } from '../src/tenants.ts';

describe('a lost webhook', () => {
  it('is found by the reconciliation poll and the applicant is invited', async () => {
    const t = e2e();
    const primary = person({ role: 'Primary', firstName: 'Katherine' });
    const app = await submit(t, PROPERTIES.identity, [primary], 'drop');
    expect(app.entrata.webhook.deliveries.map((d) => d.state)).toEqual(['dropped']);

    const expected = expectedInvites(primary, ['income', 'identity']);
    await invitesWhen(t, primary, expected);
    const submitted = await eventually(async () => {
      const events = await t.events.of(ApplicationSubmittedV3, app.applicationId);
      return events.length > 0 ? events : undefined;
    });
    expect(submitted[0]?.payload.source).toBe('reconciliation');
    expect(inviteTally(await inbox(t, primary))).toEqual(expected);
  });
});
