import { maskEmail, maskPhone, redactText } from '@autoverify/logger';

// Keys whose values are personal data, by what they hold. Everything else that is a string is still
// scanned for email addresses and phone numbers (free text such as an error detail may quote one).
const EMAIL_KEYS = new Set(['email']);
const PHONE_KEYS = new Set(['mobilePhone', 'phone']);
const NAME_KEYS = new Set(['firstName', 'lastName', 'recipientName', 'name']);
// A recipient: an email address or an E.164 number.
const RECIPIENT_KEYS = new Set(['to']);
// Invite and verification links: whoever holds one can act as the applicant on the platform.
const LINK_KEYS = new Set(['link']);
// Document names carry the applicant's last name (report-sync: `<Type> Verification Report - <Name> - <id>.pdf`).
const FILE_NAME_KEYS = new Set(['fileName']);
// The words of our own document names; every other plain word in a file name may be a person's name.
const FILE_NAME_WORDS = new Set([
  'income',
  'identity',
  'asset',
  'verification',
  'report',
  'household',
  'applicant',
  'pdf',
]);

/** `Lovelace` -> `L***`; each word of `Ada Lovelace` -> `A*** L***`: enough to tell people apart. */
export function maskName(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '';
  return words.map((w) => `${[...w][0]}***`).join(' ');
}

/** `https://verify.example.com/v/ver_1?t=x` -> `https://verify.example.com/***`: where it points, not the token. */
export function maskLink(value: string): string {
  try {
    return `${new URL(value).origin}/***`;
  } catch {
    return '***';
  }
}

/**
 * `Identity Verification Report - Lovelace - rep_10.pdf` -> `Identity Verification Report - L*** - rep_10.pdf`:
 * our own words and ids (anything with a digit or _) stay, every other word is masked like a name.
 */
export function maskFileName(value: string): string {
  return value.replace(/[\p{L}'’]+(?![\p{L}\p{N}_])/gu, (word, offset: number) => {
    const before = value[offset - 1];
    if (before !== undefined && /[\p{N}_]/u.test(before)) return word; // the tail of an id (rep_abc)
    return FILE_NAME_WORDS.has(word.toLowerCase()) ? word : maskName(word);
  });
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
      if (LINK_KEYS.has(key)) return maskLink(value);
      if (FILE_NAME_KEYS.has(key)) return maskFileName(value);
    }
    return redactText(value);
  }
  if (Array.isArray(value)) return value.map((item) => maskValue(item, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(v, k)]));
  }
  return value;
}
