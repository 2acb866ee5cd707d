import type { Channel } from './types.ts';

/**
 * The form an address is compared in for opt-outs: emails case-insensitively (mailbox local parts are
 * case-sensitive in theory, never in practice, and a case-variant must not slip past an unsubscribe),
 * phone numbers as E.164 without formatting characters.
 */
export function normaliseAddress(channel: Channel, address: string): string {
  const trimmed = address.trim();
  if (channel === 'email') return trimmed.toLowerCase();
  const digits = trimmed.replace(/[^0-9]/g, '');
  return trimmed.startsWith('+') ? `+${digits}` : digits;
}

/** Suppression scopes: an email unsubscribe belongs to one customer; an SMS STOP to one sender number. */
export const tenantScope = (tenantId: string): string => `tenant:${tenantId}`;
export const senderScope = (senderNumber: string): string =>
  `sender:${normaliseAddress('sms', senderNumber)}`;
