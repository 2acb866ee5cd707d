/**
 * Masking of personal data inside free text (log messages, error messages, URLs).
 * Key-based redaction cannot see an email address that was interpolated into a message,
 * so every log line is also scanned for email addresses and phone numbers.
 *
 * Every log line passes through here, including request URLs an unauthenticated caller chooses, so the
 * scan must cost time linear in the text, by construction:
 * - emails are found from their `@`: the local part is read backwards from it (at most 64 characters,
 *   never across the previous match or another `@`), the domain forwards with a sticky pattern whose
 *   quantifiers are all bounded. Each `@` costs a bounded amount of work and the characters read for two
 *   different `@`s do not overlap, so a long run of letters or digits without `@` costs nothing.
 *   (An unanchored pattern like `[\w.+-]+@` retries from every position of such a run: quadratic.)
 * - phone patterns have only bounded quantifiers (at most ~25 characters from any start position).
 */

/** RFC 5321: a local part has at most 64 octets, a domain label at most 63, a domain at most 253 (RFC 1035). */
const LOCAL_MAX = 64;
const LABEL_MAX = 63;
const LABELS_MAX = 32;
const DOMAIN_MAX = 253;

const isLetter = (code: number) => (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
const isDigit = (code: number) => code >= 48 && code <= 57;
/** A-Z a-z 0-9 - */
const isLabelChar = (code: number) => isLetter(code) || isDigit(code) || code === 45;
/** A-Z a-z 0-9 . _ % + - */
const isLocalChar = (code: number) =>
  isLabelChar(code) || code === 46 || code === 95 || code === 37 || code === 43;

// Phone numbers: E.164 (+15551234567), NANP with separators ((555) 123-4567, 555-123-4567, +1 555 123 4567)
// and international numbers written with a leading + and groups. Bare digit runs without + or separators
// are deliberately NOT matched: they are far more often ids and timestamps than phone numbers.
export const PHONE = new RegExp(
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

/** Replaces every email address found in `text` by its masked form (see the top of the file for the cost). */
export function maskEmails(text: string): string {
  let out = '';
  // Everything before `done` is already in `out`; no local part reaches back before it.
  let done = 0;
  let at = text.indexOf('@');
  while (at !== -1) {
    let start = at;
    while (start > done && at - start < LOCAL_MAX && isLocalChar(text.charCodeAt(start - 1))) start--;
    const end = start < at ? domainEnd(text, at + 1) : -1;
    if (end !== -1) {
      out += text.slice(done, start) + maskEmail(text.slice(start, end));
      done = end;
      at = text.indexOf('@', end);
    } else {
      at = text.indexOf('@', at + 1);
    }
  }
  return done === 0 ? text : out + text.slice(done);
}

/**
 * Where the domain of an email address starting at `from` ends (exclusive), or -1 when there is none:
 * labels of letters, digits and hyphens (1-63 each) separated by dots, the last one read up to the end of
 * its leading letters (the top-level domain, 2-63 letters); the longest such domain wins. Reads at most 253
 * characters and stops at the first character that cannot be part of a domain (such as the next `@`).
 */
function domainEnd(text: string, from: number): number {
  const limit = Math.min(text.length, from + DOMAIN_MAX);
  let end = -1;
  let labelStart = from;
  for (let labels = 0, i = from; labels < LABELS_MAX; i++) {
    const code = i < limit ? text.charCodeAt(i) : -1;
    if (isLabelChar(code)) continue;
    const length = i - labelStart;
    if (length === 0) break;
    if (labels > 0) {
      let letters = 0;
      while (
        letters < LABEL_MAX &&
        labelStart + letters < i &&
        isLetter(text.charCodeAt(labelStart + letters))
      )
        letters++;
      if (letters >= 2) end = labelStart + letters;
    }
    labels++;
    if (length > LABEL_MAX || code !== 46) break;
    labelStart = i + 1;
  }
  return end;
}

/** Replaces every email address and phone number found in `text` by its masked form. Linear time. */
export function redactText(text: string): string {
  if (text.length < 8) return text;
  return maskEmails(text).replace(PHONE, maskPhone);
}
