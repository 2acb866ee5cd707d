import { createHash } from 'node:crypto';
import { type Channel, normaliseEmail } from './contact.ts';

export type VerificationKind = 'income' | 'identity';

/** Contacts are compared and hashed normalised, so `Ada@Example.com ` and `ada@example.com` are one address. */
export function normaliseContact(channel: Channel, contact: string): string {
  return channel === 'email' ? normaliseEmail(contact) : contact.trim();
}

export function contactHash(channel: Channel, contact: string): string {
  return createHash('sha256').update(normaliseContact(channel, contact)).digest('hex').slice(0, 12);
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
