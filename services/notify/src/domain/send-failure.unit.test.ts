import { describe, expect, it } from 'vitest';
import { classifySmtpError, classifyTwilioResponse, scrubAddresses } from './send-failure.ts';

describe('classifySmtpError', () => {
  it('treats 4xx replies as transient', () => {
    expect(classifySmtpError({ responseCode: 421, command: 'CONN', response: '421 try later' }).kind).toBe(
      'transient',
    );
    expect(classifySmtpError({ responseCode: 451, command: 'DATA', response: '451 local error' }).kind).toBe(
      'transient',
    );
    expect(
      classifySmtpError({ responseCode: 452, command: 'RCPT TO', response: '452 mailbox full' }).kind,
    ).toBe('transient');
  });

  it('treats connection errors and timeouts (no reply code) as transient', () => {
    expect(classifySmtpError({ code: 'ECONNECTION', message: 'connect ECONNREFUSED' })).toMatchObject({
      kind: 'transient',
      detail: expect.stringContaining('ECONNECTION'),
    });
    expect(classifySmtpError({ code: 'ETIMEDOUT', message: 'Greeting never received' }).kind).toBe(
      'transient',
    );
  });

  it('treats 550 on RCPT as an invalid recipient', () => {
    expect(
      classifySmtpError({ responseCode: 550, command: 'RCPT TO', response: '550 5.1.1 no such user' }),
    ).toEqual({
      kind: 'permanent',
      reason: 'invalid_recipient',
      detail: 'SMTP 550 on RCPT 550 5.1.1 no such user',
    });
  });

  it('treats other 5xx replies as a permanent bounce', () => {
    expect(
      classifySmtpError({ responseCode: 554, command: 'DATA', response: '554 rejected as spam' }),
    ).toMatchObject({
      kind: 'permanent',
      reason: 'bounced',
    });
    expect(classifySmtpError({ responseCode: 550, command: 'DATA', response: '550 policy' })).toMatchObject({
      kind: 'permanent',
      reason: 'bounced',
    });
  });
});

describe('classifyTwilioResponse', () => {
  it('treats 5xx and 429 as transient, honouring Retry-After', () => {
    expect(classifyTwilioResponse(503, undefined).kind).toBe('transient');
    expect(classifyTwilioResponse(500, { code: 20500, message: 'Internal' }).kind).toBe('transient');
    expect(classifyTwilioResponse(429, { code: 20429 }, '7')).toMatchObject({
      kind: 'transient',
      retryAfterMs: 7000,
    });
  });

  it('maps 21211 to invalid_recipient and 21610 to opted_out', () => {
    expect(classifyTwilioResponse(400, { code: 21211, message: "The 'To' number is not valid." })).toEqual({
      kind: 'permanent',
      reason: 'invalid_recipient',
      detail: "Twilio HTTP 400 code 21211: The 'To' number is not valid.",
    });
    expect(classifyTwilioResponse(400, { code: 21610, message: 'unsubscribed' })).toMatchObject({
      kind: 'permanent',
      reason: 'opted_out',
    });
    expect(classifyTwilioResponse(400, { code: '21211' })).toMatchObject({ reason: 'invalid_recipient' });
  });

  it('keeps retrying on authentication failures (a configuration problem, not the recipient)', () => {
    expect(classifyTwilioResponse(401, { code: 20003 }).kind).toBe('transient');
  });

  it('treats other 4xx as a permanent refusal', () => {
    expect(classifyTwilioResponse(400, { code: 21617, message: 'body too long' })).toMatchObject({
      kind: 'permanent',
      reason: 'bounced',
    });
  });
});

describe('scrubAddresses', () => {
  it('removes email addresses and phone numbers from provider text', () => {
    expect(scrubAddresses("The 'To' number +15005550001 is not a valid phone number.")).toBe(
      "The 'To' number [phone] is not a valid phone number.",
    );
    expect(scrubAddresses('550 5.1.1 <ada@example.com>: Recipient address rejected')).toBe(
      '550 5.1.1 <[email]>: Recipient address rejected',
    );
    expect(scrubAddresses('550 5.1.1 mailbox unavailable')).toBe('550 5.1.1 mailbox unavailable');
  });
});
