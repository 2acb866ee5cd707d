import { describe, expect, it } from 'vitest';
import { twilioSignature } from './twilio-signature.ts';

// Twilio's published request-validation example (auth token 12345).
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
};

describe('twilioSignature', () => {
  it("reproduces Twilio's documented example, whatever the parameter order", () => {
    expect(twilioSignature('12345', URL, PARAMS)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    const reversed = Object.fromEntries(Object.entries(PARAMS).reverse());
    expect(twilioSignature('12345', URL, reversed)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('signs each distinct value of a repeated parameter, sorted (Twilio Python helper vector)', () => {
    const params = { Sid: 'CA123', SidAccount: 'AC123', Digits: ['5678', '1234', '1234'] };
    expect(twilioSignature('12345', URL, params)).toBe('IK+Dwps556ElfBT0I3Rgjkr1wJU=');
  });

  it('changes with the token, the URL or any value', () => {
    const good = twilioSignature('12345', URL, PARAMS);
    expect(twilioSignature('other', URL, PARAMS)).not.toBe(good);
    expect(twilioSignature('12345', `${URL}&x=1`, PARAMS)).not.toBe(good);
    expect(twilioSignature('12345', URL, { ...PARAMS, Digits: '9999' })).not.toBe(good);
  });
});
