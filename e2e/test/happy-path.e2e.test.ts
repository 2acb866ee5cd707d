import { ReminderCancelled, ReminderScheduled } from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import { completeFromInbox, e2e, eventually, inbox, inboxWhen, sleep, submit } from '../src/harness.ts';
import { readMessage, tally } from '../src/messages.ts';
import { household } from '../src/people.ts';
import type { ApplicantInput, Message } from '../src/sandbox-client.ts';
import { E2E_REMINDERS, PROPERTIES } from '../src/tenants.ts';

const HOUR_MS = 3_600_000;
const FILE_TYPES = { income: '1201', identity: '1202' }; // config/tenants.example.json defaults

const expectedInvites = (a: ApplicantInput) => ({
  'invite income email': 1,
  'invite identity email': 1,
  ...(a.phones?.cell ? { 'invite income sms': 1, 'invite identity sms': 1 } : {}),
});
const invitesOnly = (messages: Message[]) =>
  tally(messages.filter((m) => readMessage(m).purpose === 'invite'));
const reminders = (messages: Message[]) => messages.map(readMessage).filter((m) => m.purpose === 'reminder');

describe('an application at a property with identity verification', () => {
  it('invites every applicant on their channels, reminds on schedule, stops on completion, uploads the reports once', async () => {
    const t = e2e();
    const people = household();
    const [primary, coApplicant, guarantor] = people as [ApplicantInput, ApplicantInput, ApplicantInput];
    const app = await submit(t, PROPERTIES.identity, people);

    // Invites: income + identity by email for everyone, by SMS only for those with a phone.
    for (const person of people) {
      await inboxWhen(t, person, (m) => Object.keys(expectedInvites(person)).every((k) => invitesOnly(m)[k]));
    }
    expect(invitesOnly(await inbox(t, coApplicant))).toEqual(expectedInvites(coApplicant));
    expect(coApplicant.phones).toBeUndefined();

    // Reminder 1 arrives on the fast schedule for every applicant, kind and channel.
    const firstReminders = new Map<ApplicantInput, Message[]>();
    for (const person of people) {
      const messages = await inboxWhen(
        t,
        person,
        (m) => reminders(m).length >= Object.keys(expectedInvites(person)).length,
        { timeoutMs: 60_000 },
      );
      firstReminders.set(person, messages);
      const invitedAt = Math.min(
        ...messages
          .map(readMessage)
          .filter((m) => m.purpose === 'invite')
          .map((m) => Date.parse(m.at)),
      );
      for (const reminder of reminders(messages)) {
        // Not before it is due (1 s slack for clocks and the sandbox's timestamp).
        expect(Date.parse(reminder.at) - invitedAt).toBeGreaterThanOrEqual(
          E2E_REMINDERS.firstAfterHours * HOUR_MS - 1000,
        );
        expect(reminder.link).toMatch(/\/verify\//);
      }
    }

    // Everyone completes everything from the links they got.
    const completedAt = Date.now();
    const countsAtCompletion = new Map<ApplicantInput, number>();
    for (const person of people) {
      countsAtCompletion.set(person, reminders(await inbox(t, person)).length);
      await completeFromInbox(t, person);
    }

    // Reports: the household's income report and one identity report per applicant, each exactly once.
    const documents = await eventually(
      async () => {
        const docs = await t.sandbox.documents(app.entrata.applicationId);
        return docs.length >= 4 ? docs : undefined;
      },
      { timeoutMs: 60_000, message: 'four reports in the Entrata documents' },
    );
    const income = documents.filter((d) => d.fileTypeId === FILE_TYPES.income);
    const identity = documents.filter((d) => d.fileTypeId === FILE_TYPES.identity);
    expect(income).toHaveLength(1);
    expect(identity).toHaveLength(3);
    const customerIds = app.entrata.customers.map((c) => c.customerId);
    expect(new Set(identity.flatMap((d) => d.customerIds))).toEqual(new Set(customerIds));
    for (const d of identity) expect(d.customerIds).toHaveLength(1);
    expect(new Set(income[0]?.customerIds)).toEqual(new Set(customerIds));
    const pdf = await t.sandbox.downloadDocument(documents[0] as (typeof documents)[number]);
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');

    // Reminders were cancelled by the completions...
    await eventually(
      async () => {
        const cancelled = await t.events.of(ReminderCancelled, app.applicationId);
        return cancelled.filter((e) => e.payload.reason === 'completed').length >= 6 ? cancelled : undefined;
      },
      { message: 'ReminderCancelled (completed) for 3 applicants x 2 kinds' },
    );
    const scheduled = await t.events.of(ReminderScheduled, app.applicationId);
    expect(scheduled.every((e) => e.payload.reminderNumber <= E2E_REMINDERS.maxCount)).toBe(true);

    // ...so nothing more arrives, even after reminder 2 would have been due; and nothing came twice.
    const secondDue = completedAt + E2E_REMINDERS.intervalHours * HOUR_MS + 3000;
    await sleep(Math.max(0, secondDue - Date.now()));
    for (const person of people) {
      const messages = await inbox(t, person);
      expect(reminders(messages).length, `${person.firstName}'s reminders`).toBe(
        countsAtCompletion.get(person),
      );
      expect(invitesOnly(messages)).toEqual(expectedInvites(person));
      const perKey = tally(messages.filter((m) => readMessage(m).purpose === 'reminder'));
      for (const count of Object.values(perKey)) expect(count).toBeLessThanOrEqual(E2E_REMINDERS.maxCount);
    }
    expect(await t.sandbox.documents(app.entrata.applicationId)).toHaveLength(4);
    expect(primary.phones?.cell && guarantor.phones?.cell).toBeTruthy();
    void firstReminders;
  });
});
