import { describe, expect, it } from 'vitest';
import type { EmailMessage, EntrataDocument, Message, SmsMessage } from '../src/sandbox-client.ts';
import { computeOutcome, type DrillApplication, type DrillRules, type GroundTruth } from './outcome.ts';

const rules: DrillRules = {
  fileTypes: { income: '1201', identity: '1202' },
  maxReminders: 2,
  completionLagMs: 30_000,
};
const T0 = Date.parse('2026-11-24T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

const email = (to: string, subject: string, seconds: number): EmailMessage => ({
  channel: 'email',
  id: `${to}-${subject}-${seconds}`,
  recipients: [to],
  to: [to],
  subject,
  text: `${subject} https://sandbox/verify/ver_1`,
  receivedAt: at(seconds),
});
const sms = (to: string, body: string, seconds: number): SmsMessage => ({
  channel: 'sms',
  sid: `SM${seconds}${body.length}`,
  direction: 'outbound-api',
  from: '+13035550100',
  to,
  body,
  status: 'delivered',
  receivedAt: at(seconds),
});
const invite = (kind: string) => `Please verify your ${kind} for your application`;
const reminder = (kind: string) => `Reminder: verify your ${kind} for your application`;

function app(overrides: Partial<DrillApplication> = {}): DrillApplication {
  return {
    entrataApplicationId: 1,
    applicationId: 'app-1',
    kinds: ['income', 'identity'],
    channels: { email: true, sms: true },
    applicants: [{ customerId: 11, applicantId: 'ap-1', email: 'ada@x.example', cell: '+12025550101' }],
    ...overrides,
  };
}

function truth(messages: Message[], extra: Partial<GroundTruth> = {}): GroundTruth {
  return {
    messages,
    documents: new Map(),
    requested: [],
    failedNotifications: [],
    blockedInvites: [],
    remindersCancelled: [],
    completions: [],
    reportSyncFailures: [],
    deadLetters: [],
    ...extra,
  };
}

const allInvites = (seconds = 1): Message[] => [
  email('ada@x.example', invite('income'), seconds),
  email('ada@x.example', invite('identity'), seconds),
  sms('+12025550101', `Demo: ${invite('income')}`, seconds),
  sms('+12025550101', `Demo: ${invite('identity')}`, seconds),
];

const doc = (fileId: number, fileTypeId: string, customerIds: number[]): EntrataDocument => ({
  fileId,
  fileName: `r${fileId}.pdf`,
  fileTypeId,
  fileTypeName: '',
  customerIds,
  size: 100,
  addedOn: '',
  downloadUrl: '',
});

describe('computeOutcome', () => {
  it('expects one invite per applicant, kind and channel the applicant has a contact for', () => {
    const outcome = computeOutcome([app()], truth(allInvites()), rules);
    expect(outcome).toMatchObject({ expectedInvites: 4, deliveredInvites: 4, lost: 0, duplicated: 0 });
  });

  it('does not expect SMS at an email-only property, and counts one sent there as unexpected', () => {
    const emailOnly = app({ kinds: ['income'], channels: { email: true, sms: false } });
    const messages = [
      email('ada@x.example', invite('income'), 1),
      sms('+12025550101', `Demo: ${invite('income')}`, 1),
    ];
    const outcome = computeOutcome([emailOnly], truth(messages), rules);
    expect(outcome.expectedInvites).toBe(1);
    expect(outcome.duplicated).toBe(1);
    expect(outcome.problems[0]).toMatch(/unexpected/);
  });

  it('counts an email sent again with the same Message-ID once, and reports it; a new Message-ID is a duplicate', () => {
    const first = { ...email('ada@x.example', invite('income'), 1), messageId: '<n-1@autoverify>' };
    const again = { ...first, id: 'copy', receivedAt: at(9) };
    const fresh = { ...first, id: 'other', messageId: '<n-2@autoverify>' };
    const resent = computeOutcome([app()], truth([...allInvites().slice(1), first, again]), rules);
    expect(resent).toMatchObject({ deliveredInvites: 4, duplicated: 0 });
    expect(resent.resentSameMessageId).toEqual([
      'email to ada@x.example sent again with the same Message-ID <n-1@autoverify> (interrupted send): counted once',
    ]);
    const duplicate = computeOutcome([app()], truth([...allInvites().slice(1), first, fresh]), rules);
    expect(duplicate.duplicated).toBe(1);
  });

  it('counts a missing invite as lost, and a second copy as duplicated', () => {
    const messages = allInvites().slice(1);
    messages.push(email('ada@x.example', invite('identity'), 5));
    const outcome = computeOutcome([app()], truth(messages), rules);
    expect(outcome.lost).toBe(1);
    expect(outcome.duplicated).toBe(1);
    expect(outcome.problems).toEqual([
      'lost: application 1: income invite by email never arrived and no failure says why',
      'duplicated: application 1: identity invite by email arrived 2 times',
    ]);
  });

  it('counts a missing invite explained by a failure event, InviteBlocked or a dead letter as visible, not lost', () => {
    const missingSmsAndEmail = allInvites().slice(1, 2);
    const requested = [
      {
        notificationId: 'n1',
        applicantId: 'ap-1',
        purpose: 'invite' as const,
        kind: 'income' as const,
        channel: 'email' as const,
        to: 'ada@x.example',
        at: T0,
      },
    ];
    const outcome = computeOutcome(
      [app()],
      truth(missingSmsAndEmail, {
        requested,
        failedNotifications: [{ notificationId: 'n1', reason: 'bounced', detail: '550' }],
        blockedInvites: [{ applicantId: 'ap-1', kind: 'identity', reason: 'invalid_contact' }],
        deadLetters: [{ consumer: 'notify', applicationId: 'app-1', error: 'boom' }],
      }),
      rules,
    );
    expect(outcome).toMatchObject({ lost: 0, visibleFailures: 3 });
    expect(outcome.visible).toEqual([
      'application 1: income invite by email not delivered (bounced: 550)',
      'application 1: income invite by sms not delivered (dead letter in dlq.notify: boom)',
      'application 1: identity invite by sms not delivered (invite blocked: invalid_contact)',
    ]);
  });

  it('allows one reminder per requested reminder number and flags any beyond', () => {
    const request = (n: number, seconds: number) => ({
      notificationId: `r${n}`,
      applicantId: 'ap-1',
      purpose: 'reminder' as const,
      kind: 'income' as const,
      channel: 'email' as const,
      to: 'ada@x.example',
      reminderNumber: n,
      at: T0 + seconds * 1000,
    });
    const messages = [
      ...allInvites(),
      email('ada@x.example', reminder('income'), 11),
      email('ada@x.example', reminder('income'), 12),
    ];
    expect(computeOutcome([app()], truth(messages, { requested: [request(1, 10)] }), rules).duplicated).toBe(
      1,
    );
    expect(
      computeOutcome([app()], truth(messages, { requested: [request(1, 10), request(2, 11)] }), rules)
        .duplicated,
    ).toBe(0);
  });

  it('flags a reminder requested after the reminder service recorded the completion; one in flight is not', () => {
    const completed = app({
      applicants: [{ customerId: 11, applicantId: 'ap-1', email: 'ada@x.example', completedAt: T0 + 20_000 }],
      channels: { email: true, sms: false },
      kinds: ['income'],
    });
    const request = (n: number, seconds: number) => ({
      notificationId: `r${n}`,
      applicantId: 'ap-1',
      purpose: 'reminder' as const,
      kind: 'income' as const,
      channel: 'email' as const,
      to: 'ada@x.example',
      reminderNumber: n,
      at: T0 + seconds * 1000,
    });
    const base = { remindersCancelled: [{ applicantId: 'ap-1', kind: 'income' as const, at: T0 + 21_000 }] };
    // Requested at 19 s (before completion at 20 s), delivered at 22 s: in flight.
    const inFlight = computeOutcome(
      [completed],
      truth([email('ada@x.example', invite('income'), 1), email('ada@x.example', reminder('income'), 22)], {
        ...base,
        requested: [request(1, 19)],
      }),
      rules,
    );
    expect(inFlight).toMatchObject({ remindersAfterCompletion: 0, remindersInFlightAtCompletion: 1 });
    // Requested at 20.5 s, after the completion but before the service recorded it at 21 s: not its fault.
    const unaware = computeOutcome(
      [completed],
      truth([email('ada@x.example', invite('income'), 1), email('ada@x.example', reminder('income'), 22)], {
        ...base,
        requested: [request(1, 20.5)],
      }),
      rules,
    );
    expect(unaware).toMatchObject({ remindersAfterCompletion: 0, remindersBeforeCompletionKnown: 1 });
    // Requested at 25 s, after the cancellation at 21 s: wrong.
    const late = computeOutcome(
      [completed],
      truth([email('ada@x.example', invite('income'), 1), email('ada@x.example', reminder('income'), 26)], {
        ...base,
        requested: [request(1, 25)],
      }),
      rules,
    );
    expect(late.remindersAfterCompletion).toBe(1);
    expect(late.problems[0]).toBe(
      'reminder after completion: ada@x.example|income|email requested 5 s after the platform acknowledged the completion, 4 s after the reminder service recorded it (application 1)',
    );
    // Never recorded: the service had 30 s from the acknowledgement to learn of it.
    const never = computeOutcome(
      [completed],
      truth([email('ada@x.example', invite('income'), 1), email('ada@x.example', reminder('income'), 60)], {
        requested: [request(1, 55)],
      }),
      rules,
    );
    expect(never.remindersAfterCompletion).toBe(1);
    // ...or from when the completion was on Kafka, if later (ingest was behind): 55 s < 40 s + 30 s.
    const behind = computeOutcome(
      [completed],
      truth([email('ada@x.example', invite('income'), 1), email('ada@x.example', reminder('income'), 60)], {
        requested: [request(1, 55)],
        completions: [{ applicantId: 'ap-1', kind: 'income', at: T0 + 40_000 }],
      }),
      rules,
    );
    expect(behind).toMatchObject({ remindersAfterCompletion: 0, remindersBeforeCompletionKnown: 1 });
  });

  it('expects the income report once everyone completed and one identity report per completed applicant', () => {
    const pair = app({
      applicants: [
        { customerId: 11, applicantId: 'ap-1', email: 'a@x.example', completedAt: T0 },
        { customerId: 12, applicantId: 'ap-2', email: 'b@x.example', completedAt: T0 },
      ],
      channels: { email: true, sms: false },
    });
    const messages = ['a@x.example', 'b@x.example'].flatMap((to) => [
      email(to, invite('income'), 1),
      email(to, invite('identity'), 1),
    ]);
    const documents = new Map([
      [1, [doc(1, '1201', [11, 12]), doc(2, '1202', [11]), doc(3, '1202', [12]), doc(4, '1202', [12])]],
    ]);
    const outcome = computeOutcome([pair], truth(messages, { documents }), rules);
    expect(outcome).toMatchObject({ expectedDocuments: 3, presentDocuments: 3, duplicated: 1, lost: 0 });

    const missing = computeOutcome(
      [pair],
      truth(messages, {
        documents: new Map([[1, [doc(1, '1201', [11, 12])]]]),
        reportSyncFailures: [{ applicationId: 'app-1', reportType: 'identity', reason: 'Entrata error 320' }],
      }),
      rules,
    );
    expect(missing).toMatchObject({ presentDocuments: 1, visibleFailures: 2, lost: 0 });
  });

  it('expects no income report while a member of the household has not completed', () => {
    const pair = app({
      kinds: ['income'],
      channels: { email: true, sms: false },
      applicants: [
        { customerId: 11, applicantId: 'ap-1', email: 'a@x.example', completedAt: T0 },
        { customerId: 12, applicantId: 'ap-2', email: 'b@x.example' },
      ],
    });
    const messages = [email('a@x.example', invite('income'), 1), email('b@x.example', invite('income'), 1)];
    expect(computeOutcome([pair], truth(messages), rules).expectedDocuments).toBe(0);
  });
});
