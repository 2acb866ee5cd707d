import { describe, expect, it } from 'vitest';
import { expectedInvites, readMessage, tally, verificationIdOf } from './messages.ts';
import type { EmailMessage, SmsMessage } from './sandbox-client.ts';

const link = 'http://127.0.0.1:4000/verify/0473455f-188f-4c86-90d5-14ee4ea7fcb8';
const email = (subject: string, text: string): EmailMessage => ({
  channel: 'email',
  id: subject,
  recipients: ['ada@example.com'],
  to: ['ada@example.com'],
  subject,
  text,
  receivedAt: '2026-01-15T12:00:00.000Z',
});
const sms = (body: string): SmsMessage => ({
  channel: 'sms',
  sid: body,
  direction: 'outbound-api',
  from: '+13035550100',
  to: '+13035550123',
  body,
  status: 'delivered',
  receivedAt: '2026-01-15T12:00:01.000Z',
});

// The wording of notify's templates (services/notify/src/domain/templates).
const messages = [
  email(
    'Aspen Ridge: please verify your income for your rental application',
    `Hi Ada,\n\nVerify my income: ${link}\n`,
  ),
  email(
    'Reminder: verify your identity for your application at Aspen Ridge',
    `Verify my identity: ${link}\n`,
  ),
  sms(
    `Demo PM: Hi Ada, please verify your identity for your application at Aspen Ridge: ${link}. Expires Jan 29. Reply STOP to opt out.`,
  ),
  sms(
    `Demo PM reminder: Hi Ada, your income verification for your application is still open: ${link} Reply STOP to opt out.`,
  ),
];

describe('readMessage', () => {
  it('tells invitations from reminders and income from identity, and finds the link', () => {
    expect(messages.map(readMessage).map((m) => [m.purpose, m.kind, m.channel, m.link])).toEqual([
      ['invite', 'income', 'email', link],
      ['reminder', 'identity', 'email', link],
      ['invite', 'identity', 'sms', link],
      ['reminder', 'income', 'sms', link],
    ]);
    expect(tally(messages)).toEqual({
      'invite income email': 1,
      'reminder identity email': 1,
      'invite identity sms': 1,
      'reminder income sms': 1,
    });
  });

  it('reads the verification id of a link', () => {
    expect(verificationIdOf(link)).toBe('0473455f-188f-4c86-90d5-14ee4ea7fcb8');
    expect(() => verificationIdOf('http://example.com/other')).toThrow(/not a verification link/);
  });
});

describe('expectedInvites', () => {
  it('expects SMS only with a cell number and where the property sends SMS', () => {
    expect(expectedInvites({}, ['income'])).toEqual({ 'invite income email': 1 });
    expect(expectedInvites({ phones: { cell: '+13035550123' } }, ['income', 'identity'])).toEqual({
      'invite income email': 1,
      'invite income sms': 1,
      'invite identity email': 1,
      'invite identity sms': 1,
    });
    expect(expectedInvites({ phones: { cell: '+13035550123' } }, ['income'], { sms: false })).toEqual({
      'invite income email': 1,
    });
  });
});
