/** Keys whose values are personal data or credentials: never logged, at any of the first few nesting levels. */
const SENSITIVE_KEYS = [
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
  'Authorization',
  'cookie',
  'Cookie',
  '["set-cookie"]',
  '["x-api-key"]',
  '["X-Api-Key"]',
  'apiKey',
  'api_key',
  'apikey',
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

const DEPTH = 4;

function atDepths(key: string): string[] {
  const sep = key.startsWith('[') ? '' : '.';
  const paths: string[] = [];
  for (let depth = 0; depth < DEPTH; depth++) {
    const prefix = Array.from({ length: depth }, () => '*').join('.');
    paths.push(depth === 0 ? key : `${prefix}${sep}${key}`);
  }
  return paths;
}

export const REDACT_PATHS: string[] = [
  ...SENSITIVE_KEYS.flatMap(atDepths),
  ...PERSON_OBJECTS.flatMap((o) => [...atDepths(`${o}.name`), ...atDepths(`${o}s[*].name`)]),
];
