import { createHmac, randomBytes } from 'node:crypto';

/**
 * Searching by email or phone without the address itself in a query, a URL or a log: the form's value is
 * reduced to an HMAC-SHA256 under a key made at start-up, and PostgreSQL computes the same HMAC of the stored
 * contacts (from the key's inner and outer pads) to compare. The key lives in this process only.
 */
export interface ContactKey {
  /** HMAC-SHA256 of a normalised contact. */
  hash(contact: string): Buffer;
  /** The key XOR 0x36 / 0x5c, padded to SHA-256's 64-byte block: HMAC = H(opad || H(ipad || m)). */
  ipad: Buffer;
  opad: Buffer;
}

export function contactKey(key: Buffer = randomBytes(32)): ContactKey {
  const block = Buffer.alloc(64);
  key.copy(block);
  return {
    hash: (contact) => createHmac('sha256', key).update(contact, 'utf8').digest(),
    ipad: Buffer.from(block.map((b) => b ^ 0x36)),
    opad: Buffer.from(block.map((b) => b ^ 0x5c)),
  };
}

export type Contact = { kind: 'email'; value: string } | { kind: 'phone'; value: string };

/**
 * An email address (lower case, trimmed) or a phone number as E.164, the way ingest stores it. A number
 * without a country code is taken as North American (+1), as Entrata's are.
 */
export function normaliseContact(text: string): Contact | null {
  const value = text.trim();
  if (value.includes('@'))
    return /^[^\s@]+@[^\s@]+$/.test(value) ? { kind: 'email', value: value.toLowerCase() } : null;
  const digits = value.replace(/[\s().-]/g, '');
  if (/^\+[1-9]\d{7,14}$/.test(digits)) return { kind: 'phone', value: digits };
  if (/^\d{10}$/.test(digits)) return { kind: 'phone', value: `+1${digits}` };
  if (/^1\d{10}$/.test(digits)) return { kind: 'phone', value: `+${digits}` };
  return null;
}
