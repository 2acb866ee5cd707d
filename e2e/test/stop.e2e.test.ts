import { NotificationFailed } from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import { e2e, eventually, inbox, inboxWhen, invitesWhen, sleep, submit } from '../src/harness.ts';
import { expectedInvites, remindersIn } from '../src/messages.ts';
import { person } from '../src/people.ts';
import type { SmsMessage } from '../src/sandbox-client.ts';
import { PROPERTIES } from '../src/tenants.ts';

describe('an applicant who texts STOP', () => {
  it('gets no more text messages; reminders still come by email', async () => {
    const t = e2e();
    const primary = person({ role: 'Primary', firstName: 'Hedy' });
    const cell = primary.phones?.cell as string;
    const app = await submit(t, PROPERTIES.identity, [primary]);
    const invites = await invitesWhen(t, primary, expectedInvites(primary, ['income', 'identity']));

    // They reply STOP to the number the invitation came from.
    const ourNumber = (invites.find((m) => m.channel === 'sms') as SmsMessage).from ?? undefined;
    const reply = await t.sandbox.textUs(cell, 'STOP', ourNumber);
    expect(reply.optOutType).toBe('STOP');
    await eventually(
      async () => {
        const delivery = (await t.sandbox.deliveries('twilio-inbound')).find(
          (d) => d.id === reply.deliveryId,
        );
        return delivery?.state === 'delivered';
      },
      { message: 'the STOP reply delivered to notify' },
    );

    // Reminder 1 of both kinds arrives by email; the SMS reminders are suppressed.
    await inboxWhen(t, primary, (m) => remindersIn(m).filter((r) => r.channel === 'email').length >= 2, {
      timeoutMs: 60_000,
    });
    const suppressed = await eventually(
      async () => {
        const failed = await t.events.of(NotificationFailed, app.applicationId);
        const sms = failed.filter((e) => e.payload.channel === 'sms' && e.payload.purpose === 'reminder');
        return sms.length >= 2 ? sms : undefined;
      },
      { message: 'NotificationFailed for the two SMS reminders' },
    );
    expect(suppressed.every((e) => e.payload.reason === 'opted_out')).toBe(true);

    await sleep(2000);
    const texts = (await inbox(t, primary)).filter((m) => m.channel === 'sms');
    expect(texts).toHaveLength(2);
    expect(remindersIn(texts)).toEqual([]);
  });
});
