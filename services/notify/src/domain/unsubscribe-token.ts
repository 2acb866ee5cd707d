import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Channel } from './types.ts';

export interface UnsubscribeTarget {
  tenantId: string;
  channel: Channel;
  address: string;
}

/**
 * What a genuine token refers to: the notification whose email carried the link (`u2`, the tokens we issue:
 * the link carries no personal data, the address is looked up from the notification), or, for links in
 * emails sent before `u2`, the address itself (`u1`, verified only: a person's request to stop is never too
 * late, so old links keep working).
 */
export type UnsubscribeReference =
  | { kind: 'notification'; notificationId: string }
  | { kind: 'address'; target: UnsubscribeTarget };

const CURRENT = 'u2';
const LEGACY = 'u1';
/** Notification ids are the requesters' keys (`<uuid>:email`); anything longer is not one of ours. */
const MAX_REFERENCE = 512;

/**
 * A url-safe token `u2.<base64url notification id>.<mac>`; the mac is HMAC-SHA256 over version and
 * reference, with the current secret. Tokens do not expire: an unsubscribe link in an old email must still
 * work.
 */
export function signUnsubscribeToken(secret: string, notificationId: string): string {
  const reference = Buffer.from(notificationId, 'utf8').toString('base64url');
  return `${CURRENT}.${reference}.${mac(secret, CURRENT, reference)}`;
}

/**
 * The reference of a token signed with any of `secrets` (the current one and, while rotating, the previous
 * one: every secret is checked, without early exit), or undefined for anything forged, altered or malformed.
 */
export function verifyUnsubscribeToken(
  secrets: readonly string[],
  token: string,
): UnsubscribeReference | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [version = '', reference = '', given = ''] = parts;
  if ((version !== CURRENT && version !== LEGACY) || reference === '' || reference.length > MAX_REFERENCE)
    return undefined;
  let genuine = false;
  for (const secret of secrets) if (sameText(mac(secret, version, reference), given)) genuine = true;
  if (!genuine) return undefined;
  const decoded = Buffer.from(reference, 'base64url').toString('utf8');
  if (version === CURRENT) return { kind: 'notification', notificationId: decoded };
  const target = legacyTarget(decoded);
  return target ? { kind: 'address', target } : undefined;
}

function legacyTarget(json: string): UnsubscribeTarget | undefined {
  try {
    const data: unknown = JSON.parse(json);
    if (typeof data !== 'object' || data === null) return undefined;
    const { t, c, a } = data as Record<string, unknown>;
    if (typeof t !== 'string' || typeof a !== 'string' || (c !== 'email' && c !== 'sms')) return undefined;
    return { tenantId: t, channel: c, address: a };
  } catch {
    return undefined;
  }
}

function sameText(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function mac(secret: string, version: string, reference: string): string {
  // Truncated to 128 bits (RFC 2104 allows it) to keep the link short; forging it stays out of reach.
  return createHmac('sha256', secret)
    .update(`${version}.${reference}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}
