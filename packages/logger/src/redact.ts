/**
 * Redaction by key name and truncation, for every value of a log line in one walk.
 *
 * pino runs the censor of its `redact` option over the top-level values of each line (the logged object,
 * the child bindings, the message, and what serializers such as `err` and `req` produced). Instead of
 * hundreds of wildcard paths (`*.*.*.email`: each one a lookup on every line), one `*` path hands every
 * top-level value to `censorValue`, which walks it once: values of sensitive keys are replaced, long
 * strings cut, deep or huge structures capped. Top-level sensitive keys are listed as paths of their own
 * so that pino replaces them without a walk.
 */

export const CENSOR = '[redacted]';

/** Keys whose values are personal data or credentials (compared case-insensitively), at any depth. */
export const SENSITIVE_KEYS: readonly string[] = [
  // contact data and names of applicants
  'email',
  'emailAddress',
  'to',
  'cc',
  'bcc',
  'replyTo',
  'phone',
  'phoneNumber',
  'mobilePhone',
  'mobile',
  'homePhone',
  'workPhone',
  'firstName',
  'lastName',
  'middleName',
  'fullName',
  'recipientName',
  'applicantName',
  'dateOfBirth',
  'dob',
  'ssn',
  'taxId',
  // credentials
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'apiKey',
  'api_key',
  'secret',
  'secrets',
  'clientSecret',
  'password',
  'passwords',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'jwt',
];

/** Objects whose `name` is a person's name (elsewhere `name` is a service, queue or property name). */
const PERSON_OBJECTS = ['applicant', 'recipient', 'guarantor', 'person', 'customer', 'resident'];

const sensitive = new Set(SENSITIVE_KEYS.map((k) => k.toLowerCase()));
const persons = new Set(PERSON_OBJECTS.flatMap((o) => [o, `${o}s`]));

/** Longest string kept whole; longer ones are cut with a marker (a hostile URL must not fill the logs). */
export const MAX_STRING = 8192;
/** Request URLs are cut much earlier: ours are short, long ones are attacks. */
export const MAX_URL = 1024;
const MAX_DEPTH = 8;
const MAX_ITEMS = 100;
const MAX_KEYS = 200;
/**
 * An email address cut in half by truncation would escape the masking of the line (`jane.doe@exa…`), so a
 * cut goes back to the last character that no email address or phone number contains, at most this far
 * (a local part, `@` and a domain: 64 + 1 + 253 characters).
 */
const CUT_LOOKBACK = 320;
const isBoundary = (code: number) =>
  code <= 32 || // whitespace and controls
  code === 34 || // "
  code === 39 || // '
  code === 44 || // ,
  code === 47 || // /
  code === 58 || // :
  code === 59 || // ;
  code === 60 || // <
  code === 61 || // =
  code === 62 || // >
  code === 63 || // ?
  code === 38; // &

/** `text` itself when short enough; otherwise its start, cut on a safe boundary, and how much was cut. */
export function truncate(text: string, max = MAX_STRING): string {
  if (text.length <= max) return text;
  let keep = max;
  while (keep > max - CUT_LOOKBACK && keep > 0 && !isBoundary(text.charCodeAt(keep - 1))) keep--;
  if (keep > 0 && !isBoundary(text.charCodeAt(keep - 1))) keep = Math.max(0, max - CUT_LOOKBACK);
  return `${text.slice(0, keep)}…[truncated ${text.length - keep} chars]`;
}

const isSensitiveKey = (key: string, inPerson: boolean) =>
  sensitive.has(key.toLowerCase()) || (inPerson && key === 'name');

/** A copy of `value` fit for a log line: sensitive keys censored, strings cut, structures capped. */
export function sanitize(value: unknown, depth = 0, inPerson = false): unknown {
  if (typeof value === 'string') return truncate(value);
  if (typeof value !== 'object' || value === null) return value;
  // Dates, Buffers and anything else that serialises itself keep doing so.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => sanitize(item, depth + 1, inPerson));
    if (value.length > MAX_ITEMS) items.push(`…[${value.length - MAX_ITEMS} more items]`);
    return items;
  }
  // Plain objects, errors and class instances alike: their own enumerable properties, as JSON would show them.
  const out: Record<string, unknown> = {};
  let count = 0;
  for (const key of Object.keys(value)) {
    if (++count > MAX_KEYS) {
      out['…'] = `[${Object.keys(value).length - MAX_KEYS} more keys]`;
      break;
    }
    const child = (value as Record<string, unknown>)[key];
    out[key] = isSensitiveKey(key, inPerson)
      ? CENSOR
      : sanitize(child, depth + 1, persons.has(key.toLowerCase()));
  }
  return out;
}

/**
 * pino's `redact` option: one wildcard whose censor walks every top-level value, and the top-level keys the
 * walk must know by name (pino hands the wildcard's censor no key): the sensitive ones, censored whole, and
 * the person objects, whose `name` is censored. pino compares these keys exactly, so each is listed as
 * written, in lower case and capitalised (`Authorization`, `Set-Cookie`).
 */
export function redactOptions(): { paths: string[]; censor: (value: unknown, path: unknown[]) => unknown } {
  const named = new Set(
    [...SENSITIVE_KEYS, ...persons].flatMap((k) => [
      k,
      k.toLowerCase(),
      k.split('-').map(capitalise).join('-'),
    ]),
  );
  return {
    paths: ['*', ...[...named].map((k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`))],
    censor: (value, path) => {
      const key = path[path.length - 1];
      if (typeof key !== 'string') return sanitize(value);
      return isSensitiveKey(key, false) ? CENSOR : sanitize(value, 0, persons.has(key.toLowerCase()));
    },
  };
}

const capitalise = (key: string) => key.charAt(0).toUpperCase() + key.slice(1);
