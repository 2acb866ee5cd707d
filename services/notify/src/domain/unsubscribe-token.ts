import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Channel } from './types.ts';

export interface UnsubscribeTarget {
  tenantId: string;
  channel: Channel;
  address: string;
}

const VERSION = 'u1';

/**
 * A url-safe token `u1.<payload>.<mac>`: the payload (base64url JSON) names tenant, channel and address; the
 * mac is HMAC-SHA256 over version and payload. Tokens do not expire: an unsubscribe link in an old email must
 * still work (a person's request to stop is never "too late").
 */
export function signUnsubscribeToken(secret: string, target: UnsubscribeTarget): string {
  const payload = Buffer.from(
    JSON.stringify({ t: target.tenantId, c: target.channel, a: target.address }),
  ).toString('base64url');
  return `${VERSION}.${payload}.${mac(secret, payload)}`;
}

/** The target of a genuine token, or undefined for anything forged, altered or malformed. */
export function verifyUnsubscribeToken(secret: string, token: string): UnsubscribeTarget | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return undefined;
  const [, payload = '', given = ''] = parts;
  const expected = Buffer.from(mac(secret, payload));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  try {
    const data: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof data !== 'object' || data === null) return undefined;
    const { t, c, a } = data as Record<string, unknown>;
    if (typeof t !== 'string' || typeof a !== 'string' || (c !== 'email' && c !== 'sms')) return undefined;
    return { tenantId: t, channel: c, address: a };
  } catch {
    return undefined;
  }
}

function mac(secret: string, payload: string): string {
  // Truncated to 128 bits (RFC 2104 allows it) to keep the link short; forging it stays out of reach.
  return createHmac('sha256', secret)
    .update(`${VERSION}.${payload}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}
