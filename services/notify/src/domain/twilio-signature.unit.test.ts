import { describe, expect, it } from 'vitest';
import { computeTwilioSignature, verifyTwilioSignature } from './twilio-signature.ts';

// Twilio's documented example (security/signature_validation): token 12345, this URL and these params.
const token = '12345';
const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const params = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675310',
  Digits: '1234',
  From: '+14158675310',
  To: '+18005551212',
};

describe('Twilio signature', () => {
  it('matches the documented vector', () => {
    expect(computeTwilioSignature(token, url, params)).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
  });

  it('does not depend on the order of the parameters', () => {
    const reversed = Object.fromEntries(Object.entries(params).reverse());
    expect(computeTwilioSignature(token, url, reversed)).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
  });

  it('verifies a good signature and rejects tampering, a wrong token, URL or a missing header', () => {
    expect(verifyTwilioSignature(token, url, params, 'GvWf1cFY/Q7PnoempGyD5oXAezc=')).toBe(true);
    expect(
      verifyTwilioSignature(token, url, { ...params, Digits: '1235' }, 'GvWf1cFY/Q7PnoempGyD5oXAezc='),
    ).toBe(false);
    expect(verifyTwilioSignature('54321', url, params, 'GvWf1cFY/Q7PnoempGyD5oXAezc=')).toBe(false);
    expect(verifyTwilioSignature(token, `${url}&x=1`, params, 'GvWf1cFY/Q7PnoempGyD5oXAezc=')).toBe(false);
    expect(verifyTwilioSignature(token, url, params, undefined)).toBe(false);
    expect(verifyTwilioSignature(token, url, params, 'short')).toBe(false);
  });
});
