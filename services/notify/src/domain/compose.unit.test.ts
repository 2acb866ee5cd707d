import { describe, expect, it } from 'vitest';
import { composeMessage, type NotificationContent, type PropertyBranding } from './compose.ts';
import { verifyUnsubscribeToken } from './unsubscribe-token.ts';

const notification: NotificationContent = {
  notificationId: 'reminder:abc:income:email:1',
  tenantId: 'acme',
  purpose: 'reminder',
  kind: 'income',
  channel: 'email',
  recipient: 'Ada@Example.com',
  recipientName: 'Ada Lovelace',
  link: 'https://verify.example.com/v/1',
  expiresAt: '2026-12-08T15:04:05.000Z',
  reminderNumber: 1,
};
const property: PropertyBranding = {
  name: 'Maple Court',
  timeZone: 'America/Denver',
  sender: {
    brandName: 'Acme Living',
    emailFrom: 'leasing@acme.example',
    emailFromName: 'Acme Leasing',
    smsFrom: '+13035550100',
    replyTo: 'help@acme.example',
  },
};
const options = { publicUrl: 'https://notify.example.com/', unsubscribeSecret: 'secret' };

describe('composeMessage', () => {
  it("sends email from the customer's sender with a deterministic Message-ID", () => {
    const message = composeMessage(notification, property, options);
    if (message.channel !== 'email') throw new Error('expected email');
    expect(message.email.from).toEqual({ name: 'Acme Leasing', address: 'leasing@acme.example' });
    expect(message.email.replyTo).toBe('help@acme.example');
    expect(message.email.to).toBe('Ada@Example.com');
    expect(message.email.messageId).toMatch(/^<[0-9a-f]{32}@autoverify>$/);
    expect(message.email.subject).toContain('Maple Court');
  });

  it('links reminders to a verifiable unsubscribe token naming the notification, not the address', () => {
    const message = composeMessage(notification, property, options);
    if (message.channel !== 'email') throw new Error('expected email');
    const match = /<https:\/\/notify\.example\.com\/unsubscribe\/([^>]+)>/.exec(
      message.email.headers['List-Unsubscribe'] ?? '',
    );
    expect(match).not.toBeNull();
    expect(verifyUnsubscribeToken(['secret'], match?.[1] ?? '')).toEqual({
      kind: 'notification',
      notificationId: notification.notificationId,
    });
    expect(Buffer.from(match?.[1] ?? '', 'base64url').toString('latin1')).not.toMatch(/ada|example/i);
  });

  it("texts from the customer's number", () => {
    const message = composeMessage(
      { ...notification, channel: 'sms', recipient: '+13035550123' },
      property,
      options,
    );
    if (message.channel !== 'sms') throw new Error('expected sms');
    expect(message.sms.from).toBe('+13035550100');
    expect(message.sms.to).toBe('+13035550123');
    expect(message.sms.body).toMatch(/^Acme Living reminder:/);
  });

  it('falls back to the brand name when the property has no name', () => {
    const message = composeMessage(
      { ...notification, purpose: 'invite' },
      { ...property, name: undefined },
      options,
    );
    if (message.channel !== 'email') throw new Error('expected email');
    expect(message.email.subject).toBe('Acme Living: please verify your income for your rental application');
  });
});
