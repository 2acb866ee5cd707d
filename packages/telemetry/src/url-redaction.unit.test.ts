import { describe, expect, it } from 'vitest';
import { redactedUrlAttributes, redactQuery } from './url-redaction.ts';

describe('outgoing URL redaction', () => {
  it('keeps the names of query parameters and drops every value', () => {
    expect(redactQuery('?To=%2B17205550001&From=%2B13035550100&PageSize=100&flag')).toBe(
      '?To=REDACTED&From=REDACTED&PageSize=REDACTED&flag',
    );
    expect(redactQuery('')).toBe('');
  });

  it('rewrites url.full and url.query of a Twilio message lookup, nothing of a URL without a query', () => {
    const attributes = redactedUrlAttributes({
      origin: 'https://api.twilio.com',
      path: '/2010-04-01/Accounts/AC123/Messages.json?To=%2B17205550001&From=%2B13035550100',
    });
    expect(attributes).toEqual({
      'url.full': 'https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json?To=REDACTED&From=REDACTED',
      'url.query': '?To=REDACTED&From=REDACTED',
    });
    expect(JSON.stringify(attributes)).not.toMatch(/7205550001|3035550100/);
    expect(redactedUrlAttributes({ origin: 'https://api.twilio.com', path: '/x/Messages.json' })).toEqual({});
  });
});
