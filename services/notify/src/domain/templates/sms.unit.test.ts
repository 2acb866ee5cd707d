import { describe, expect, it } from 'vitest';
import type { MessageContext } from './context.ts';
import { renderSms, smsSegments } from './sms.ts';

const base: MessageContext = {
  purpose: 'invite',
  kind: 'income',
  recipientName: 'Ada Lovelace',
  link: 'https://verify.example.com/v/ver_1',
  expiresAt: '2026-12-08T15:04:05.000Z',
  brandName: 'Acme Living',
  propertyName: 'Maple Court',
  timeZone: 'America/Denver',
};

describe('renderSms', () => {
  it('renders a short invite with brand, link, expiry and STOP wording', () => {
    const sms = renderSms(base);
    expect(sms.body).toBe(
      'Acme Living: Hi Ada, please verify your income for your application at Maple Court: https://verify.example.com/v/ver_1 Expires Dec 8. Reply STOP to opt out.',
    );
    expect(sms.segments).toBe(1);
  });

  it('renders identity reminders', () => {
    const sms = renderSms({ ...base, purpose: 'reminder', kind: 'identity', reminderNumber: 2 });
    expect(sms.body).toMatch(/^Acme Living reminder: Hi Ada, your identity verification/);
    expect(sms.body).toContain('Reply STOP to opt out.');
  });

  it("dates the expiry in the property's time zone", () => {
    const late = { ...base, expiresAt: '2026-12-09T03:00:00.000Z' };
    expect(renderSms({ ...late, timeZone: 'America/Los_Angeles' }).body).toContain('Expires Dec 8.');
    expect(renderSms({ ...late, timeZone: 'America/New_York' }).body).toContain('Expires Dec 8.');
    expect(renderSms({ ...late, timeZone: 'Europe/London' }).body).toContain('Expires Dec 9.');
  });

  it('drops detail to stay within two segments but keeps the link and STOP wording', () => {
    const long = renderSms({
      ...base,
      propertyName: 'The Residences at Very Long Named Park Avenue Gardens and Towers '.repeat(3),
      link: `https://verify.example.com/v/${'x'.repeat(80)}`,
    });
    expect(long.segments).toBeLessThanOrEqual(2);
    expect(long.body).toContain(`https://verify.example.com/v/${'x'.repeat(80)}`);
    expect(long.body.endsWith('Reply STOP to opt out.')).toBe(true);
  });

  it('drops a name that would force UCS-2 encoding when it does not fit', () => {
    const sms = renderSms({
      ...base,
      recipientName: '李小龍',
      link: `https://verify.example.com/v/${'y'.repeat(60)}`,
    });
    expect(sms.body).not.toContain('李');
    expect(sms.segments).toBeLessThanOrEqual(2);
  });

  it('always carries the STOP wording', () => {
    for (const purpose of ['invite', 'reminder'] as const) {
      for (const kind of ['income', 'identity'] as const) {
        expect(renderSms({ ...base, purpose, kind }).body).toContain('Reply STOP to opt out.');
      }
    }
  });
});

describe('smsSegments', () => {
  it('counts GSM-7 segments', () => {
    expect(smsSegments('a'.repeat(160))).toBe(1);
    expect(smsSegments('a'.repeat(161))).toBe(2);
    expect(smsSegments('a'.repeat(306))).toBe(2);
    expect(smsSegments('a'.repeat(307))).toBe(3);
  });

  it('counts extension characters twice', () => {
    expect(smsSegments('€'.repeat(80))).toBe(1);
    expect(smsSegments('€'.repeat(81))).toBe(2);
  });

  it('counts UCS-2 segments once a character is outside GSM-7', () => {
    expect(smsSegments(`${'a'.repeat(69)}é`)).toBe(1);
    expect(smsSegments(`${'a'.repeat(69)}ő`)).toBe(1);
    expect(smsSegments(`${'a'.repeat(70)}ő`)).toBe(2);
    expect(smsSegments(`${'a'.repeat(134)}ő`)).toBe(3);
  });
});
