import {
  InviteSent,
  NotificationRequested,
  ReminderCancelled,
  ReminderScheduled,
  ReportSynced,
  VerificationCompleted,
} from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import {
  completeFromInbox,
  documentsWhen,
  e2e,
  eventually,
  inbox,
  inboxWhen,
  invitesWhen,
  sleep,
  submit,
} from '../src/harness.ts';
import { expectedInvites, inviteTally, remindersIn, tally } from '../src/messages.ts';
import { household } from '../src/people.ts';
import type { ApplicantInput } from '../src/sandbox-client.ts';
import { E2E_REMINDERS, PROPERTIES } from '../src/tenants.ts';

const HOUR_MS = 3_600_000;

describe('an application at a property with identity verification', () => {
  it('invites every applicant on their channels, reminds on schedule, stops on completion, uploads each report once', async () => {
    const t = e2e();
    const people = household();
    const coApplicant = people[1] as ApplicantInput;
    expect(coApplicant.phones).toBeUndefined();
    const app = await submit(t, PROPERTIES.identity, people);
    const expected = new Map(people.map((p) => [p, expectedInvites(p, ['income', 'identity'])]));

    // Invites: income + identity by email for everyone, by SMS only for those with a phone.
    for (const person of people) await invitesWhen(t, person, expected.get(person) ?? {});

    // Reminder 1 arrives on the fast schedule, for every applicant, kind and channel.
    for (const person of people) {
      const channels = Object.keys(expected.get(person) ?? {}).length;
      const messages = await inboxWhen(t, person, (m) => remindersIn(m).length >= channels, {
        timeoutMs: 60_000,
      });
      // Reminders are due a fixed time after the invitation was sent (InviteSent), not after the mailbox got it:
      // on a loaded machine delivery can lag by seconds, so the first InviteSent of the application is the
      // reference (each applicant's own comes at or after it).
      const invitedAt = Math.min(
        ...(await t.events.of(InviteSent, app.applicationId)).map((e) => Date.parse(e.occurredAt)),
      );
      for (const reminder of remindersIn(messages)) {
        // Not before it is due (1 s slack for the sandbox's timestamps).
        expect(Date.parse(reminder.at) - invitedAt).toBeGreaterThanOrEqual(
          E2E_REMINDERS.firstAfterHours * HOUR_MS - 1000,
        );
        expect(reminder.link).toMatch(/\/verify\//);
      }
    }

    // Everyone completes everything from the links they got (usually before reminder 2 is due).
    const completedAt = Date.now();
    for (const person of people) await completeFromInbox(t, person);

    // Reports: the household's income report and one identity report per applicant, with the configured types.
    const documents = await documentsWhen(t, app.entrata.applicationId, 4);
    const income = documents.filter((d) => d.fileTypeId === t.fileTypes.income);
    const identity = documents.filter((d) => d.fileTypeId === t.fileTypes.identity);
    expect(income).toHaveLength(1);
    expect(identity).toHaveLength(3);
    const customerIds = new Set(app.entrata.customers.map((c) => c.customerId));
    expect(new Set(income[0]?.customerIds)).toEqual(customerIds);
    expect(identity.map((d) => d.customerIds.length)).toEqual([1, 1, 1]);
    expect(new Set(identity.flatMap((d) => d.customerIds))).toEqual(customerIds);
    const pdf = await t.sandbox.downloadDocument(income[0] as (typeof documents)[number]);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await eventually(async () => (await t.events.of(ReportSynced, app.applicationId)).length === 4, {
      message: 'ReportSynced for the four reports',
    });

    // Completion stops the reminders of each applicant and kind (3 x 2): what was still pending when reminder
    // processed the completion is cancelled, and nothing is requested after that. On a loaded machine the
    // last reminder can fall due before the applicant finished; then there was nothing left to cancel.
    const pair = (e: { payload: { applicantId: string; kind: string } }) =>
      `${e.payload.applicantId}:${e.payload.kind}`;
    const completions = await eventually(
      async () => {
        const events = await t.events.of(VerificationCompleted, app.applicationId);
        return new Set(events.map(pair)).size >= 6 ? events : undefined;
      },
      { message: 'VerificationCompleted for 3 applicants x 2 kinds' },
    );
    const reminderRequests = async () =>
      (await t.events.of(NotificationRequested, app.applicationId)).filter(
        (e) => e.payload.purpose === 'reminder',
      );
    const cancelled = await eventually(
      async () => {
        const [cancellations, requests] = [
          await t.events.of(ReminderCancelled, app.applicationId),
          await reminderRequests(),
        ];
        const settled = completions.every((c) => {
          const numbers = requests
            .filter((r) => pair(r) === pair(c))
            .map((r) => r.payload.reminderNumber ?? 0);
          return (
            cancellations.some((x) => pair(x) === pair(c)) ||
            Math.max(0, ...numbers) === E2E_REMINDERS.maxCount
          );
        });
        return settled ? cancellations : undefined;
      },
      { message: 'reminders cancelled or all sent, for 3 applicants x 2 kinds' },
    );
    expect(cancelled.every((e) => e.payload.reason === 'completed')).toBe(true);
    const scheduled = await t.events.of(ReminderScheduled, app.applicationId);
    expect(Math.max(...scheduled.map((e) => e.payload.reminderNumber))).toBe(E2E_REMINDERS.maxCount);

    // ...so nothing more arrives after reminder 2 would have been due, and nothing came twice.
    await sleep(Math.max(0, completedAt + E2E_REMINDERS.intervalHours * HOUR_MS + 3000 - Date.now()));
    const requests = await reminderRequests();
    for (const c of cancelled) {
      const cancelledAt = Date.parse(c.occurredAt);
      const after = requests.filter((r) => pair(r) === pair(c) && Date.parse(r.occurredAt) > cancelledAt);
      expect(after, `reminders requested after ${pair(c)} was cancelled`).toEqual([]);
    }
    // Every reminder requested reached its applicant once (delivery may lag on a loaded machine).
    await eventually(
      async () => {
        let received = 0;
        for (const person of people) received += remindersIn(await inbox(t, person)).length;
        return received === requests.length || undefined;
      },
      { message: `${requests.length} reminders delivered` },
    );
    for (const person of people) {
      const messages = await inbox(t, person);
      expect(inviteTally(messages)).toEqual(expected.get(person));
      for (const [key, count] of Object.entries(tally(messages))) {
        if (key.startsWith('reminder')) expect(count, key).toBeLessThanOrEqual(E2E_REMINDERS.maxCount);
      }
    }
    expect(await t.sandbox.documents(app.entrata.applicationId)).toHaveLength(4);
  });
});
