import { maskEmail, maskPhone, redactText } from '@autoverify/logger';

// Keys whose values are personal data, by what they hold. Everything else that is a string is still
// scanned for email addresses and phone numbers (free text such as an error detail may quote one).
const EMAIL_KEYS = new Set(['email']);
const PHONE_KEYS = new Set(['mobilePhone', 'phone']);
const NAME_KEYS = new Set(['firstName', 'lastName', 'recipientName', 'name']);
// A recipient: an email address or an E.164 number.
const RECIPIENT_KEYS = new Set(['to']);

/** `Lovelace` -> `L***`; each word of `Ada Lovelace` -> `A*** L***`: enough to tell people apart. */
export function maskName(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '';
  return words.map((w) => `${[...w][0]}***`).join(' ');
}

export function maskRecipient(value: string): string {
  return value.includes('@') ? maskEmail(value) : maskPhone(value);
}

/** A deep copy of value with personal data masked; structure, ids and other fields unchanged. */
export function maskPersonalData<T>(value: T): T {
  return maskValue(value, undefined) as T;
}

function maskValue(value: unknown, key: string | undefined): unknown {
  if (typeof value === 'string') {
    if (key !== undefined) {
      if (EMAIL_KEYS.has(key)) return maskEmail(value);
      if (PHONE_KEYS.has(key)) return maskPhone(value);
      if (NAME_KEYS.has(key)) return maskName(value);
      if (RECIPIENT_KEYS.has(key)) return maskRecipient(value);
    }
    return redactText(value);
  }
  if (Array.isArray(value)) return value.map((item) => maskValue(item, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(v, k)]));
  }
  return value;
}
