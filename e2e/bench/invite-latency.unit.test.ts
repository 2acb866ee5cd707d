import { describe, expect, it } from 'vitest';
import type {
  ApplicantInput,
  EmailMessage,
  Message,
  SmsMessage,
  SubmittedApplication,
} from '../src/sandbox-client.ts';
import { describeInvites, inviteTimes, type Submission } from './invite-latency.ts';

const link = 'http://127.0.0.1:27000/verify/0473455f-188f-4c86-90d5-14ee4ea7fcb8';
const T0 = Date.parse('2026-01-15T12:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

// The wording of notify's templates (services/notify/src/domain/templates), as e2e/src/messages.ts reads it.
const email = (to: string, kind: string, ms: number, reminder = false): EmailMessage => ({
  channel: 'email',
  id: `${to}-${kind}-${ms}`,
  recipients: [to],
  to: [to],
  subject: reminder
    ? `Reminder: verify your ${kind}`
    : `Aspen Ridge: please verify your ${kind} for your rental application`,
  text: `Verify my ${kind}: ${link}\n`,
  receivedAt: at(ms),
});
const sms = (to: string, kind: string, ms: number): SmsMessage => ({
  channel: 'sms',
  sid: `${to}-${kind}-${ms}`,
  direction: 'outbound-api',
  from: '+13035550100',
  to,
  body: `Demo PM: Hi, please verify your ${kind} for your application at Aspen Ridge: ${link}. Reply STOP to opt out.`,
  status: 'delivered',
  receivedAt: at(ms),
});

const ada: ApplicantInput = {
  firstName: 'Ada',
  lastName: 'L',
  customerType: 'Primary',
  email: 'Ada@x.example',
  phones: { cell: '+13035550111' },
};
const bob: ApplicantInput = {
  firstName: 'Bob',
  lastName: 'B',
  customerType: 'Co-Applicant',
  email: 'bob@x.example',
};
const submission: Submission = {
  entrata: { applicationId: 7 } as SubmittedApplication,
  applicants: [ada, bob],
  submittedAt: T0,
};

const complete: Message[] = [
  email('ada@x.example', 'income', 2100),
  sms('+13035550111', 'identity', 1500),
  email('ada@x.example', 'identity', 2300),
  sms('+13035550111', 'income', 2600),
  email('bob@x.example', 'income', 3000),
  email('bob@x.example', 'identity', 3400),
  // Not invitations, and not ours: ignored.
  email('ada@x.example', 'income', 900, true),
  email('someone@else.example', 'income', 100),
];

describe('inviteTimes', () => {
  it('times the first email, the first SMS and all expected invitations from the submission', () => {
    const times = inviteTimes([submission], complete);
    expect(times.applicants).toEqual([
      {
        application: 7,
        name: 'Ada L (Primary)',
        firstEmailMs: 2100,
        firstSmsMs: 1500,
        allMs: 2600,
        missing: [],
        expectsSms: true,
      },
      {
        application: 7,
        name: 'Bob B (Co-Applicant)',
        firstEmailMs: 3000,
        firstSmsMs: undefined,
        allMs: 3400,
        missing: [],
        expectsSms: false,
      },
    ]);
    expect(times.applications).toEqual([{ application: 7, submittedAt: T0, allMs: 3400 }]);
  });

  it('leaves an applicant and the application incomplete while an expected invitation is missing', () => {
    const times = inviteTimes(
      [submission],
      complete.filter((m) => !(m.channel === 'sms' && m.body.includes('income'))),
    );
    expect(times.applicants[0]).toMatchObject({ allMs: undefined, missing: ['invite income sms'] });
    expect(times.applicants[1]?.allMs).toBe(3400);
    expect(times.applications[0]?.allMs).toBeUndefined();
    const { text, missing } = describeInvites(times, 1);
    expect(missing).toEqual(['application 7, Ada L (Primary): no invite income sms']);
    expect(text).toContain('no application was fully invited');
  });

  it('prints percentiles in seconds and the throughput of fully invited applications', () => {
    const { text, missing } = describeInvites(inviteTimes([submission], complete), 0.5);
    expect(missing).toEqual([]);
    expect(text).toMatch(/all invites \(per application\)\s+1\s+3\.40\s+3\.40\s+3\.40/);
    expect(text).toContain(
      'throughput: 17.6 applications/min fully invited (1 in 3.4 s from the first submission; submitted at 30/min)',
    );
  });
});
