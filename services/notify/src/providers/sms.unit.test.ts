import { describe, expect, it } from 'vitest';
import { ProviderError } from '../domain/send-failure.ts';
import { nextPageUrl } from './sms.ts';

const base = 'https://api.twilio.com';

describe('nextPageUrl', () => {
  it("follows Twilio's relative next_page_uri on the API's origin", () => {
    expect(nextPageUrl('/2010-04-01/Accounts/AC1/Messages.json?Page=1&PageToken=PA1', base)).toBe(
      'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?Page=1&PageToken=PA1',
    );
  });

  it('ends the lookup when there is no next page', () => {
    for (const none of [null, undefined, '']) expect(nextPageUrl(none, base)).toBeUndefined();
  });

  it('refuses anything that would take our credentials elsewhere, as a visible failure', () => {
    for (const foreign of [
      'https://evil.example/steal',
      '//evil.example/steal',
      '/\\evil.example/steal',
      'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json',
      'evil.example/steal',
      42,
    ]) {
      expect(() => nextPageUrl(foreign, base), String(foreign)).toThrow(ProviderError);
    }
  });
});
