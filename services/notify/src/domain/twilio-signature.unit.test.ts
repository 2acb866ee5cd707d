import { describe, expect, it } from 'vitest';
import { signedByTwilio } from './twilio-signature.ts';

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
const signature = 'GvWf1cFY/Q7PnoempGyD5oXAezc=';

describe('Twilio signature', () => {
  it('matches the documented vector, whatever the order of the parameters', () => {
    expect(signedByTwilio([token], url, params, signature)).toBe(true);
    const reversed = Object.fromEntries(Object.entries(params).reverse());
    expect(signedByTwilio([token], url, reversed, signature)).toBe(true);
  });

  it('verifies a good signature and rejects tampering, a wrong token, URL or a missing header', () => {
    expect(signedByTwilio([token], url, { ...params, Digits: '1235' }, signature)).toBe(false);
    expect(signedByTwilio(['54321'], url, params, signature)).toBe(false);
    expect(signedByTwilio([token], `${url}&x=1`, params, signature)).toBe(false);
    expect(signedByTwilio([token], url, params, undefined)).toBe(false);
    expect(signedByTwilio([token], url, params, 'short')).toBe(false);
    expect(signedByTwilio([], url, params, signature)).toBe(false);
  });

  it('accepts either token while one is rotated out', () => {
    expect(signedByTwilio(['new-token', token], url, params, signature)).toBe(true);
    expect(signedByTwilio([token, 'old-token'], url, params, signature)).toBe(true);
  });
});
