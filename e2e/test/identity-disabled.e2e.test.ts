import { InviteSent, ReminderScheduled } from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import {
  completeFromInbox,
  documentsWhen,
  e2e,
  inbox,
  inboxWhen,
  invitesWhen,
  sleep,
  submit,
} from '../src/harness.ts';
import { expectedInvites, inviteTally, remindersIn, tally } from '../src/messages.ts';
import { person } from '../src/people.ts';
import { E2E_REMINDERS, PROPERTIES } from '../src/tenants.ts';

describe('a property without identity verification and without SMS', () => {
  it('invites for income only, by email only; reminders stop at maxCount; one income report', async () => {
    const t = e2e();
    // Both have a phone: the property's channels (email only) decide, not the contact details.
    const people = [
      person({ role: 'Primary', firstName: 'Grace' }),
      person({ role: 'Co-Applicant', firstName: 'Alan' }),
    ];
    const app = await submit(t, PROPERTIES.incomeOnly, people);
    const expected = expectedInvites({}, ['income']);

    for (const p of people) await invitesWhen(t, p, expected);
    const sent = await t.events.of(InviteSent, app.applicationId);
    expect(sent.map((e) => e.payload.kind)).toEqual(['income', 'income']);
    expect(sent.every((e) => e.payload.channels.join() === 'email')).toBe(true);

    // Both reminders arrive (email only), and no third: maxCount is 2.
    for (const p of people) {
      await inboxWhen(t, p, (m) => remindersIn(m).length >= E2E_REMINDERS.maxCount, { timeoutMs: 75_000 });
    }
    const scheduled = await t.events.of(ReminderScheduled, app.applicationId);
    expect(scheduled.map((e) => e.payload.reminderNumber).sort()).toEqual([1, 1, 2, 2]);
    expect(scheduled.every((e) => e.payload.kind === 'income')).toBe(true);

    for (const p of people) await completeFromInbox(t, p);
    const documents = await documentsWhen(t, app.entrata.applicationId, 1);
    expect(documents.map((d) => d.fileTypeId)).toEqual([t.fileTypes.income]);

    await sleep(3000);
    for (const p of people) {
      const messages = await inbox(t, p);
      expect(inviteTally(messages)).toEqual(expected);
      expect(tally(messages)).toEqual({ ...expected, 'reminder income email': E2E_REMINDERS.maxCount });
    }
    expect(await t.sandbox.documents(app.entrata.applicationId)).toHaveLength(1);
  });
});
