/**
 * Masking of personal data inside free text (log messages, error messages, URLs).
 * Key-based redaction cannot see an email address that was interpolated into a message,
 * so every log line is also scanned for email addresses and phone numbers.
 */

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

// Phone numbers: E.164 (+15551234567), NANP with separators ((555) 123-4567, 555-123-4567, +1 555 123 4567)
// and international numbers written with a leading + and groups. Bare digit runs without + or separators
// are deliberately NOT matched: they are far more often ids and timestamps than phone numbers.
const PHONE = new RegExp(
  [
    String.raw`\+[1-9]\d{7,14}`,
    String.raw`(?:\+\d{1,3}[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}`,
    String.raw`\+\d{1,3}(?:[ .-]\d{1,5}){2,5}`,
  ]
    .map((p) => String.raw`(?<![\w+])${p}(?![\w])`)
    .join('|'),
  'g',
);

/** `jane.doe@example.com` -> `j***@e***.com`: enough to tell two addresses apart in a support case. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const tld = dot > 0 ? domain.slice(dot) : '';
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  return `${local[0]}***@${host[0] ?? ''}***${tld}`;
}

/** `+15551234567` -> `+*********67`: only the last two digits survive. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= 2) return '***';
  const keep = digits.slice(-2);
  return `${phone.trim().startsWith('+') ? '+' : ''}${'*'.repeat(digits.length - 2)}${keep}`;
}

/** Replaces every email address and phone number found in `text` by its masked form. */
export function redactText(text: string): string {
  if (text.length < 8) return text;
  return text.replace(EMAIL, maskEmail).replace(PHONE, maskPhone);
}
