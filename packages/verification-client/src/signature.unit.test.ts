import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from './signature.ts';

const body = Buffer.from('{"code":"VERIFICATION_COMPLETED","verification_id":"ver_1"}');

describe('verifyWebhookSignature', () => {
  it('accepts the hex HMAC-SHA256 of the raw bytes (any case, optional sha256= prefix)', () => {
    const sig = signWebhookBody(body, 's3cret');
    expect(sig).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(body, sig, 's3cret')).toBe(true);
    expect(verifyWebhookSignature(body, sig.toUpperCase(), 's3cret')).toBe(true);
    expect(verifyWebhookSignature(body, `sha256=${sig}`, 's3cret')).toBe(true);
    expect(verifyWebhookSignature(body, [sig], 's3cret')).toBe(true);
  });
  it('rejects other secrets, changed bytes, re-serialised JSON, missing or malformed headers', () => {
    const sig = signWebhookBody(body, 's3cret');
    expect(verifyWebhookSignature(body, sig, 'other')).toBe(false);
    expect(verifyWebhookSignature(Buffer.from(`${body.toString()} `), sig, 's3cret')).toBe(false);
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 1));
    expect(verifyWebhookSignature(reserialised, sig, 's3cret')).toBe(false);
    expect(verifyWebhookSignature(body, undefined, 's3cret')).toBe(false);
    expect(verifyWebhookSignature(body, 'abc', 's3cret')).toBe(false);
  });
  it('refuses an empty secret loudly', () => {
    expect(() => verifyWebhookSignature(body, 'x', '')).toThrow(/secret is empty/);
  });
});
