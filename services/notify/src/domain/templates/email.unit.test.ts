import { describe, expect, it } from 'vitest';
import { type EmailContext, renderEmail } from './email.ts';

const base: EmailContext = {
  purpose: 'invite',
  kind: 'income',
  recipientName: 'Ada Lovelace',
  link: 'https://verify.example.com/v/ver_1?a=1&b=2',
  expiresAt: '2026-12-08T15:04:05.000Z',
  brandName: 'Acme Living',
  propertyName: 'Maple Court',
  timeZone: 'America/Denver',
};

describe('renderEmail', () => {
  it('renders an income invite with subject, text and HTML', () => {
    const email = renderEmail(base);
    expect(email.subject).toBe('Maple Court: please verify your income for your rental application');
    expect(email.text).toContain('Hi Ada,');
    expect(email.text).toContain('https://verify.example.com/v/ver_1?a=1&b=2');
    expect(email.text).toContain('Acme Living');
    expect(email.html).toContain('href="https://verify.example.com/v/ver_1?a=1&amp;b=2"');
    expect(email.html).toContain('Verify my income');
  });

  it('words identity invites and reminders for what they ask', () => {
    expect(renderEmail({ ...base, kind: 'identity' }).subject).toContain('verify your identity');
    const reminder = renderEmail({
      ...base,
      kind: 'identity',
      purpose: 'reminder',
      unsubscribeUrl: 'https://n/u/t',
    });
    expect(reminder.subject).toBe('Reminder: verify your identity for your application at Maple Court');
    expect(reminder.text).toContain('still waiting for your identity verification');
  });

  it("states the expiry in the property's time zone", () => {
    expect(renderEmail(base).text).toContain('This link expires on December 8, 2026 at 8:04 AM MST.');
    expect(renderEmail({ ...base, timeZone: 'America/New_York' }).html).toContain(
      'December 8, 2026 at 10:04 AM EST',
    );
  });

  it('escapes every interpolated value in the HTML', () => {
    const email = renderEmail({
      ...base,
      recipientName: '<script>alert(1)</script> Smith',
      propertyName: 'Tom & "Jerry\'s" <Place>',
      brandName: '<b>Brand</b>',
      link: 'https://verify.example.com/v/"><img src=x onerror=alert(1)>',
    });
    expect(email.html).not.toMatch(/<script|<img|<b>Brand|<Place>/);
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).toContain('Tom &amp; &quot;Jerry&#39;s&quot; &lt;Place&gt;');
    expect(email.html).toContain('&lt;b&gt;Brand&lt;/b&gt;');
    expect(email.html).toContain(
      'href="https://verify.example.com/v/&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"',
    );
  });

  it('greets without a name when none is on file', () => {
    expect(renderEmail({ ...base, recipientName: '  ' }).text.startsWith('Hello,')).toBe(true);
  });

  it('puts an unsubscribe link and one-click headers on reminders only', () => {
    const invite = renderEmail({ ...base, unsubscribeUrl: 'https://notify.example.com/unsubscribe/tok' });
    expect(invite.headers).toEqual({});
    expect(invite.text).not.toContain('unsubscribe');
    expect(invite.html).not.toContain('Unsubscribe');

    const reminder = renderEmail({
      ...base,
      purpose: 'reminder',
      reminderNumber: 1,
      unsubscribeUrl: 'https://notify.example.com/unsubscribe/tok',
    });
    expect(reminder.headers).toEqual({
      'List-Unsubscribe': '<https://notify.example.com/unsubscribe/tok>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(reminder.text).toContain('Unsubscribe: https://notify.example.com/unsubscribe/tok');
    expect(reminder.html).toContain('href="https://notify.example.com/unsubscribe/tok"');
  });

  it('refuses to render a reminder without an unsubscribe link', () => {
    expect(() => renderEmail({ ...base, purpose: 'reminder' })).toThrow(/unsubscribe/);
  });
});
