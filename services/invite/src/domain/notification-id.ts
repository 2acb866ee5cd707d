import { createHash } from 'node:crypto';
import type { Channel, VerificationKind } from '@autoverify/contracts';
import { emailKey } from './contact.ts';

/** Contacts are hashed in their compared form, so `Ada@Example.com ` and `ada@example.com` are one address. */
export function contactHash(channel: Channel, contact: string): string {
  const key = channel === 'email' ? emailKey(contact) : contact.trim();
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/**
 * One id per applicant, kind, channel and contact: a replay produces the same id (notify drops the
 * repeat), a changed contact produces a new one (the new address gets the invite). The hash keeps the
 * contact itself out of ids that end up in logs.
 */
export function inviteNotificationId(
  applicantId: string,
  kind: VerificationKind,
  channel: Channel,
  contact: string,
): string {
  return `invite:${applicantId}:${kind}:${channel}:${contactHash(channel, contact)}`;
}
