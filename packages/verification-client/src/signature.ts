import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header the platform signs its webhooks with. */
export const SIGNATURE_HEADER = 'verification-signature';

/** Hex HMAC-SHA256 of the raw body bytes, as the platform computes it. */
export function signWebhookBody(rawBody: Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/**
 * True when `header` is the hex HMAC-SHA256 of the raw body bytes. Computed over the bytes as
 * received (never re-serialised JSON) and compared in constant time. The platform signs no
 * timestamp, so replay protection is the receiver's job (de-duplication by content/ids).
 */
export function verifyWebhookSignature(
  rawBody: Buffer,
  header: string | string[] | undefined,
  secret: string,
): boolean {
  if (!secret) throw new Error('webhook secret is empty');
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string') return false;
  const candidate = value
    .trim()
    .toLowerCase()
    .replace(/^sha256=/, '');
  if (!/^[0-9a-f]{64}$/.test(candidate)) return false;
  const expected = Buffer.from(signWebhookBody(rawBody, secret), 'hex');
  return timingSafeEqual(expected, Buffer.from(candidate, 'hex'));
}
