import { createHash } from 'node:crypto';

/**
 * Bad and hostile webhook requests, as data: what is sent and what ingest must answer. The test
 * (hostile-webhooks.integration.test.ts) sends each one to a real ingest and also checks that a rejected
 * request stored nothing and published nothing. Secrets are named, not written here: the test resolves
 * them, and signs at send time (signatures carry a timestamp).
 */

/** How a request authenticates. */
export type Auth =
  /** X-Entrata-Signature over the exact body; `ageSeconds` moves the timestamp into the past (or future). */
  | { kind: 'entrata-hmac'; secret: SecretName; ageSeconds?: number }
  | { kind: 'basic'; username: string; password: SecretName }
  | { kind: 'platform'; secret: SecretName }
  /** A header sent as is (malformed credentials). */
  | { kind: 'header'; name: string; value: string }
  | { kind: 'none' };

export type SecretName =
  | 'acme-current'
  | 'acme-rotated'
  | 'gamma'
  | 'beta-current'
  | 'beta-rotated'
  | 'platform'
  | 'platform-rotated'
  | 'wrong';

export interface HostileCase {
  name: string;
  endpoint: 'entrata' | 'platform';
  /** Path tenant for the Entrata endpoint (default acme). */
  tenant?: string;
  /** A raw path instead (sent as is, not encoded). */
  path?: string;
  method?: 'POST' | 'GET' | 'PUT' | 'DELETE';
  /** Default application/json; null sends none. */
  contentType?: string | null;
  /** Raw bytes (Buffer), text, or a generator for large bodies. */
  body: string | Buffer | (() => string | Buffer);
  auth: Auth;
  expect: {
    status: number;
    /** Problem title (every 4xx is application/problem+json). */
    title?: string;
    type?: string;
    /** `errors[].path` values that must be present (422). */
    paths?: string[];
    detail?: RegExp;
    /** For an accepted request: the row that must now exist, with exactly this id/key. */
    stored?: { entrataEventId: string } | { platformKey: string };
  };
}

const now = '2026-11-24T10:00:00.000Z';
const entrata = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    event: 'application.submitted',
    eventId: 'evt-1',
    occurredAt: now,
    propertyId: 100200,
    applicationId: 990001,
    ...fields,
  });
// Documented: a flat body, a code and the fields beside it, no event id.
const platform = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({ code: 'SOMETHING_NEW', verification_id: 'v-1', ...fields });
/** A platform webhook is stored under the hash of its exact bytes. */
const platformKey = (body: string) => `sha256:${createHash('sha256').update(body).digest('hex')}`;
/** Accepted, and stored exactly as these bytes (a jsonb copy would respace it and decode the escapes). */
export const EXACT_BYTES_BODY = `{ "event" : "application.submitted",\t"eventId":"ok-exact-bytes", "note":"\\u00e9 é \\/",
  "occurredAt":"${now}", "propertyId":100200 , "applicationId":990001 }`;
/** The unknown-code body the test later finds recorded as ignored. */
export const UNKNOWN_CODE_BODY = platform({ verification_id: 'pe-unknown-code' });

const acme: Auth = { kind: 'entrata-hmac', secret: 'acme-current' };
const signedPlatform: Auth = { kind: 'platform', secret: 'platform' };
const beta = (password: SecretName, username = 'entrata-beta'): Auth => ({
  kind: 'basic',
  username,
  password,
});

const UNAUTHORIZED = { status: 401, title: 'Unauthorized', type: 'urn:problem:unauthorized' };
const MALFORMED = { status: 400, title: 'Malformed Request Body', type: 'urn:problem:malformed-body' };
const INVALID = { status: 422, title: 'Unprocessable Content', type: 'urn:problem:validation' };
const TOO_LARGE = { status: 413, title: 'Payload Too Large', type: 'urn:problem:payload-too-large' };
const UNSUPPORTED = {
  status: 415,
  title: 'Unsupported Media Type',
  type: 'urn:problem:unsupported-media-type',
};
const NOT_FOUND = { status: 404, title: 'Not Found' };
/**
 * Every unauthenticated Entrata webhook gets this one answer, an unknown tenant's too: the endpoint tells
 * nobody which tenants exist or how they authenticate (the reason is logged).
 */
export const ENTRATA_UNAUTHORIZED = { ...UNAUTHORIZED, detail: /^The webhook could not be authenticated/ };
const LIMIT = 64 * 1024;

/** JSON of exactly `bytes` bytes: the body padded through an extra field. */
function sized(base: Record<string, unknown>, bytes: number): string {
  const empty = JSON.stringify({ ...base, padding: '' });
  return JSON.stringify({ ...base, padding: 'x'.repeat(bytes - Buffer.byteLength(empty)) });
}
const deep = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;

export const entrataCases: HostileCase[] = [
  // --- authentication and tenants ---
  {
    name: 'unknown tenant (answered like wrong credentials)',
    endpoint: 'entrata',
    tenant: 'nobody',
    body: entrata(),
    auth: acme,
    expect: ENTRATA_UNAUTHORIZED,
  },
  {
    name: 'SQL injection as tenant id',
    endpoint: 'entrata',
    tenant: "acme' OR '1'='1",
    body: entrata(),
    auth: acme,
    expect: ENTRATA_UNAUTHORIZED,
  },
  {
    name: 'unknown tenant with Basic credentials',
    endpoint: 'entrata',
    tenant: 'nobody',
    body: entrata(),
    auth: beta('beta-current'),
    expect: ENTRATA_UNAUTHORIZED,
  },
  {
    name: 'tenant id longer than the router allows',
    endpoint: 'entrata',
    tenant: 'a'.repeat(300),
    body: entrata(),
    auth: acme,
    expect: { status: 414, title: 'URI Too Long', type: 'urn:problem:bad-request' },
  },
  {
    name: 'undecodable percent-encoding in the path',
    endpoint: 'entrata',
    path: '/webhooks/entrata/%E0%A4%A',
    body: entrata(),
    auth: acme,
    expect: { status: 400, type: 'urn:problem:bad-request' },
  },
  {
    name: 'no signature',
    endpoint: 'entrata',
    body: entrata(),
    auth: { kind: 'none' },
    expect: ENTRATA_UNAUTHORIZED,
  },
  {
    name: 'wrong secret',
    endpoint: 'entrata',
    body: entrata(),
    auth: { kind: 'entrata-hmac', secret: 'wrong' },
    expect: ENTRATA_UNAUTHORIZED,
  },
  {
    name: "another tenant's secret (isolation)",
    endpoint: 'entrata',
    body: entrata(),
    auth: { kind: 'entrata-hmac', secret: 'gamma' },
    expect: ENTRATA_UNAUTHORIZED,
  },
  {
    name: "acme's valid signature sent to gamma (isolation)",
    endpoint: 'entrata',
    tenant: 'gamma',
    body: entrata({ propertyId: 400100 }),
    auth: acme,
    expect: ENTRATA_UNAUTHORIZED,
  },
  {
    name: 'expired timestamp (1 h old)',
    endpoint: 'entrata',
    body: entrata(),
    auth: { kind: 'entrata-hmac', secret: 'acme-current', ageSeconds: 3600 },
    expect: ENTRATA_UNAUTHORIZED,
  },
  {
    name: 'timestamp 1 h in the future',
    endpoint: 'entrata',
    body: entrata(),
    auth: { kind: 'entrata-hmac', secret: 'acme-current', ageSeconds: -3600 },
    expect: ENTRATA_UNAUTHORIZED,
  },
  {
    name: 'malformed signature header',
    endpoint: 'entrata',
    body: entrata(),
    auth: { kind: 'header', name: 'x-entrata-signature', value: 'garbage' },
    expect: ENTRATA_UNAUTHORIZED,
  },
  {
    name: 'signature that is not hex',
    endpoint: 'entrata',
    body: entrata(),
    auth: {
      kind: 'header',
      name: 'x-entrata-signature',
      value: `t=${Math.floor(Date.now() / 1000)},v1=zz'; DROP TABLE x;--`,
    },
    expect: ENTRATA_UNAUTHORIZED,
  },
  {
    name: 'Basic credentials on an HMAC tenant',
    endpoint: 'entrata',
    body: entrata(),
    auth: beta('beta-current'),
    expect: UNAUTHORIZED,
  },
  {
    name: 'platform signature on the Entrata endpoint',
    endpoint: 'entrata',
    body: entrata(),
    auth: signedPlatform,
    expect: UNAUTHORIZED,
  },
  // basic-auth tenant (beta)
  {
    name: 'beta: wrong password',
    endpoint: 'entrata',
    tenant: 'beta',
    body: entrata({ propertyId: 300100 }),
    auth: beta('wrong'),
    expect: ENTRATA_UNAUTHORIZED,
  },
  {
    name: 'beta: wrong username',
    endpoint: 'entrata',
    tenant: 'beta',
    body: entrata({ propertyId: 300100 }),
    auth: beta('beta-current', 'admin'),
    expect: UNAUTHORIZED,
  },
  {
    name: 'beta: no credentials',
    endpoint: 'entrata',
    tenant: 'beta',
    body: entrata({ propertyId: 300100 }),
    auth: { kind: 'none' },
    expect: UNAUTHORIZED,
  },
  {
    name: 'beta: malformed Basic header',
    endpoint: 'entrata',
    tenant: 'beta',
    body: entrata({ propertyId: 300100 }),
    auth: { kind: 'header', name: 'authorization', value: 'Basic !!!not-base64' },
    expect: UNAUTHORIZED,
  },
  {
    name: 'beta: Basic without a colon',
    endpoint: 'entrata',
    tenant: 'beta',
    body: entrata({ propertyId: 300100 }),
    auth: {
      kind: 'header',
      name: 'authorization',
      value: `Basic ${Buffer.from('entrata-beta').toString('base64')}`,
    },
    expect: UNAUTHORIZED,
  },
  {
    name: "beta: acme's HMAC signature (isolation)",
    endpoint: 'entrata',
    tenant: 'beta',
    body: entrata({ propertyId: 300100 }),
    auth: acme,
    expect: UNAUTHORIZED,
  },
  // --- accepted: both active secrets/passwords (rotation), extra fields, harmless unicode, inert injection strings ---
  {
    name: 'current secret',
    endpoint: 'entrata',
    body: entrata({ eventId: 'ok-current' }),
    auth: acme,
    expect: { status: 202, stored: { entrataEventId: 'ok-current' } },
  },
  {
    name: 'rotated (second) secret',
    endpoint: 'entrata',
    body: entrata({ eventId: 'ok-rotated' }),
    auth: { kind: 'entrata-hmac', secret: 'acme-rotated' },
    expect: { status: 202, stored: { entrataEventId: 'ok-rotated' } },
  },
  {
    name: 'beta: current password',
    endpoint: 'entrata',
    tenant: 'beta',
    body: entrata({ eventId: 'beta-current', propertyId: 300100 }),
    auth: beta('beta-current'),
    expect: { status: 202, stored: { entrataEventId: 'beta-current' } },
  },
  {
    name: 'beta: rotated (second) password',
    endpoint: 'entrata',
    tenant: 'beta',
    body: entrata({ eventId: 'beta-rotated', propertyId: 300100 }),
    auth: beta('beta-rotated'),
    expect: { status: 202, stored: { entrataEventId: 'beta-rotated' } },
  },
  {
    name: 'extra fields are tolerated and stored',
    endpoint: 'entrata',
    body: entrata({ eventId: 'ok-extra', org: 'acme-pm', nested: { a: [1, 2, { b: null }] }, flag: true }),
    auth: acme,
    expect: { status: 202, stored: { entrataEventId: 'ok-extra' } },
  },
  {
    name: 'charset parameter on the content type',
    endpoint: 'entrata',
    contentType: 'application/json; charset=utf-8',
    body: entrata({ eventId: 'ok-charset' }),
    auth: acme,
    expect: { status: 202, stored: { entrataEventId: 'ok-charset' } },
  },
  {
    name: 'exactly 64 KiB',
    endpoint: 'entrata',
    body: () => sized(JSON.parse(entrata({ eventId: 'ok-64k' })), LIMIT),
    auth: acme,
    expect: { status: 202, stored: { entrataEventId: 'ok-64k' } },
  },
  {
    name: 'SQL injection in eventId is stored verbatim',
    endpoint: 'entrata',
    body: entrata({ eventId: "x'); DROP TABLE entrata_webhooks; --" }),
    auth: acme,
    expect: { status: 202, stored: { entrataEventId: "x'); DROP TABLE entrata_webhooks; --" } },
  },
  {
    name: 'script injection as event name (stored, not processed)',
    endpoint: 'entrata',
    body: entrata({ eventId: 'ok-script', event: '<script>alert(1)</script>' }),
    auth: acme,
    expect: { status: 202, stored: { entrataEventId: 'ok-script' } },
  },
  {
    name: 'RTL override and emoji in eventId',
    endpoint: 'entrata',
    body: entrata({ eventId: 'ok-\u202Efdp.exe-😀' }),
    auth: acme,
    expect: { status: 202, stored: { entrataEventId: 'ok-\u202Efdp.exe-😀' } },
  },
  {
    // Stored byte for byte (raw_body), not re-serialised: spacing, escapes and key order stay as sent.
    name: 'odd spacing and escapes are accepted and kept as sent',
    endpoint: 'entrata',
    body: EXACT_BYTES_BODY,
    auth: acme,
    expect: { status: 202, stored: { entrataEventId: 'ok-exact-bytes' } },
  },
  // --- malformed bodies ---
  {
    // A replacement character would change the body: refused, not repaired.
    name: 'invalid UTF-8 bytes in an extra field',
    endpoint: 'entrata',
    body: Buffer.concat([
      Buffer.from(entrata({ eventId: 'bad-utf8' }).slice(0, -1)),
      Buffer.from(',"note":"'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}'),
    ]),
    auth: acme,
    expect: { ...MALFORMED, detail: /UTF-8/ },
  },
  {
    // JSON.parse keeps the last of two keys; another reader may keep the first: refused.
    name: 'duplicate key at the top (two application ids)',
    endpoint: 'entrata',
    body: entrata().replace('"applicationId":990001', '"applicationId":990001,"applicationId":990002'),
    auth: acme,
    expect: { ...MALFORMED, detail: /duplicate key "applicationId" in the object at \// },
  },
  {
    name: 'duplicate key deep in an extra field',
    endpoint: 'entrata',
    body: entrata({ extra: { list: [{ a: 1 }, { marker: 1 }] } }).replace('"marker":1', '"b":1,"b":2'),
    auth: acme,
    expect: { ...MALFORMED, detail: /duplicate key "b" in the object at \/extra\/list\/1/ },
  },
  {
    name: 'duplicate key spelled with an escape',
    endpoint: 'entrata',
    body: entrata().replace('"eventId":"evt-1"', '"eventId":"evt-1","\\u0065ventId":"evt-2"'),
    auth: acme,
    expect: { ...MALFORMED, detail: /duplicate key "eventId"/ },
  },
  {
    name: 'number out of range (1e400)',
    endpoint: 'entrata',
    body: entrata().replace('"propertyId":100200', '"propertyId":1e400'),
    auth: acme,
    expect: { ...MALFORMED, detail: /1e400 is out of range/ },
  },
  {
    name: 'number with 5000 digits in an extra field',
    endpoint: 'entrata',
    body: entrata({ extra: 'MARK' }).replace('"MARK"', `0.${'7'.repeat(5000)}`),
    auth: acme,
    expect: { ...MALFORMED, detail: /more digits than can be represented/ },
  },
  {
    name: 'truncated JSON',
    endpoint: 'entrata',
    body: '{"event":"application.submitted","eventId":',
    auth: acme,
    expect: MALFORMED,
  },
  { name: 'empty body', endpoint: 'entrata', body: '', auth: acme, expect: MALFORMED },
  {
    name: 'UTF-8 BOM before the JSON',
    endpoint: 'entrata',
    body: `\uFEFF${entrata()}`,
    auth: acme,
    expect: MALFORMED,
  },
  {
    name: 'raw NUL byte inside a string',
    endpoint: 'entrata',
    body: Buffer.from(entrata({ eventId: 'a\u0000b' }).replace('\\u0000', '\u0000')),
    auth: acme,
    expect: MALFORMED,
  },
  {
    name: 'JSON with a trailing comma',
    endpoint: 'entrata',
    body: '{"event":"application.submitted",}',
    auth: acme,
    expect: MALFORMED,
  },
  {
    name: '10 000 levels of nesting',
    endpoint: 'entrata',
    body: () => entrata({ eventId: 'deep', deep: '__DEEP__' }).replace('"__DEEP__"', deep(10_000)),
    auth: acme,
    expect: { ...MALFORMED, detail: /nested deeper than 32/ },
  },
  {
    name: 'a bare 10 000-deep array',
    endpoint: 'entrata',
    body: () => deep(10_000),
    auth: acme,
    expect: { ...MALFORMED, detail: /nested deeper/ },
  },
  // --- wrong shapes and types ---
  {
    name: 'JSON array instead of object',
    endpoint: 'entrata',
    body: '[]',
    auth: acme,
    expect: { ...INVALID, paths: ['body'] },
  },
  {
    name: 'JSON null',
    endpoint: 'entrata',
    body: 'null',
    auth: acme,
    expect: { ...INVALID, paths: ['body'] },
  },
  {
    name: 'JSON string',
    endpoint: 'entrata',
    body: '"application.submitted"',
    auth: acme,
    expect: { ...INVALID, paths: ['body'] },
  },
  {
    name: 'empty object (every field missing)',
    endpoint: 'entrata',
    body: '{}',
    auth: acme,
    expect: { ...INVALID, paths: ['body'], detail: /applicationId/ },
  },
  {
    name: 'applicationId missing',
    endpoint: 'entrata',
    body: JSON.stringify({ event: 'application.submitted', eventId: 'x', occurredAt: now, propertyId: 1 }),
    auth: acme,
    expect: { ...INVALID, detail: /applicationId/ },
  },
  {
    name: 'applicationId boolean',
    endpoint: 'entrata',
    body: entrata({ applicationId: true }),
    auth: acme,
    expect: { ...INVALID, paths: ['body.applicationId'] },
  },
  {
    name: 'applicationId fractional',
    endpoint: 'entrata',
    body: entrata({ applicationId: 1.5 }),
    auth: acme,
    expect: { ...INVALID, paths: ['body.applicationId'] },
  },
  {
    name: 'applicationId negative',
    endpoint: 'entrata',
    body: entrata({ applicationId: -1 }),
    auth: acme,
    expect: { ...INVALID, paths: ['body.applicationId'] },
  },
  {
    name: 'applicationId beyond 2^53',
    endpoint: 'entrata',
    body: entrata({ applicationId: 2 ** 60 }),
    auth: acme,
    expect: { ...INVALID, paths: ['body.applicationId'] },
  },
  {
    name: 'applicationId as a negative number in a string',
    endpoint: 'entrata',
    body: entrata({ applicationId: '-2000001' }),
    auth: acme,
    expect: { ...INVALID, paths: ['body.applicationId'] },
  },
  {
    name: 'applicationId as a string with a leading zero',
    endpoint: 'entrata',
    body: entrata({ applicationId: '02000001' }),
    auth: acme,
    expect: { ...INVALID, paths: ['body.applicationId'] },
  },
  {
    name: 'applicationId written with a fraction (2000001.0)',
    endpoint: 'entrata',
    body: entrata().replace('"applicationId":990001', '"applicationId":2000001.0'),
    auth: acme,
    expect: { ...INVALID, paths: ['body.applicationId'], detail: /plain whole number/ },
  },
  {
    name: 'propertyId written with an exponent (1.002e5)',
    endpoint: 'entrata',
    body: entrata().replace('"propertyId":100200', '"propertyId":1.002e5'),
    auth: acme,
    expect: { ...INVALID, paths: ['body.propertyId'], detail: /plain whole number/ },
  },
  {
    name: 'applicationId with SQL injection',
    endpoint: 'entrata',
    body: entrata({ applicationId: '1 OR 1=1; --' }),
    auth: acme,
    expect: { ...INVALID, paths: ['body.applicationId'] },
  },
  {
    name: 'propertyId as object',
    endpoint: 'entrata',
    body: entrata({ propertyId: { $gt: '' } }),
    auth: acme,
    expect: { ...INVALID, paths: ['body.propertyId'] },
  },
  {
    name: 'occurredAt not a date-time',
    endpoint: 'entrata',
    body: entrata({ occurredAt: 'yesterday' }),
    auth: acme,
    expect: { ...INVALID, paths: ['body.occurredAt'] },
  },
  {
    name: 'eventId empty',
    endpoint: 'entrata',
    body: entrata({ eventId: '' }),
    auth: acme,
    expect: { ...INVALID, paths: ['body.eventId'] },
  },
  {
    name: 'eventId as array',
    endpoint: 'entrata',
    body: entrata({ eventId: ['a'] }),
    auth: acme,
    expect: { ...INVALID, paths: ['body.eventId'] },
  },
  {
    name: 'leadId as array',
    endpoint: 'entrata',
    body: entrata({ leadId: [] }),
    auth: acme,
    expect: { ...INVALID, paths: ['body.leadId'] },
  },
  {
    name: 'event name too long',
    endpoint: 'entrata',
    body: entrata({ event: 'e'.repeat(101) }),
    auth: acme,
    expect: { ...INVALID, paths: ['body.event'] },
  },
  // --- unicode that PostgreSQL cannot store ---
  {
    name: 'escaped NUL in eventId',
    endpoint: 'entrata',
    body: entrata({ eventId: 'a\u0000b' }),
    auth: acme,
    expect: { ...INVALID, paths: ['body.eventId'], detail: /NUL/ },
  },
  {
    name: 'escaped NUL in an extra field',
    endpoint: 'entrata',
    body: entrata({ note: 'x\u0000' }),
    auth: acme,
    expect: { ...INVALID, paths: ['body.note'] },
  },
  {
    name: 'NUL in a key',
    endpoint: 'entrata',
    body: entrata({ 'k\u0000': 1 }),
    auth: acme,
    expect: { ...INVALID, detail: /key must not contain NUL/ },
  },
  {
    name: 'lone high surrogate in eventId',
    endpoint: 'entrata',
    body: '{"event":"application.submitted","eventId":"\\ud800","occurredAt":"2026-11-24T10:00:00Z","propertyId":1,"applicationId":2}',
    auth: acme,
    expect: { ...INVALID, paths: ['body.eventId'], detail: /surrogate/ },
  },
  {
    name: 'lone low surrogate deep in an extra field',
    endpoint: 'entrata',
    body: entrata({ extra: { list: ['ok', '\uDC00'] } }),
    auth: acme,
    expect: { ...INVALID, paths: ['body.extra.list.1'] },
  },
  {
    name: 'control character in eventId',
    endpoint: 'entrata',
    body: entrata({ eventId: 'a\u0007b' }),
    auth: acme,
    expect: { ...INVALID, paths: ['body.eventId'] },
  },
  // --- transport ---
  {
    name: '64 KiB + 1 byte',
    endpoint: 'entrata',
    body: () => sized(JSON.parse(entrata()), LIMIT + 1),
    auth: acme,
    expect: TOO_LARGE,
  },
  {
    name: '1 MiB',
    endpoint: 'entrata',
    body: () => sized(JSON.parse(entrata()), 1024 * 1024),
    auth: acme,
    expect: TOO_LARGE,
  },
  {
    name: 'text/plain',
    endpoint: 'entrata',
    contentType: 'text/plain',
    body: entrata(),
    auth: acme,
    expect: UNSUPPORTED,
  },
  {
    name: 'form-encoded',
    endpoint: 'entrata',
    contentType: 'application/x-www-form-urlencoded',
    body: 'event=application.submitted',
    auth: acme,
    expect: UNSUPPORTED,
  },
  {
    name: 'no content type',
    endpoint: 'entrata',
    contentType: null,
    body: entrata(),
    auth: acme,
    expect: UNSUPPORTED,
  },
  {
    name: 'application/jsonp is not JSON',
    endpoint: 'entrata',
    contentType: 'application/jsonp',
    body: entrata(),
    auth: acme,
    expect: UNSUPPORTED,
  },
  {
    name: 'GET on the POST route',
    endpoint: 'entrata',
    method: 'GET',
    contentType: null,
    body: '',
    auth: { kind: 'none' },
    expect: { ...NOT_FOUND, type: 'urn:problem:not-found' },
  },
  {
    name: 'PUT on the POST route',
    endpoint: 'entrata',
    method: 'PUT',
    body: entrata(),
    auth: acme,
    expect: { ...NOT_FOUND, type: 'urn:problem:not-found' },
  },
];

export const platformCases: HostileCase[] = [
  {
    name: 'platform: no signature',
    endpoint: 'platform',
    body: platform(),
    auth: { kind: 'none' },
    expect: { ...UNAUTHORIZED, detail: /missing Verification-Signature/ },
  },
  {
    name: 'platform: wrong secret',
    endpoint: 'platform',
    body: platform(),
    auth: { kind: 'platform', secret: 'wrong' },
    expect: UNAUTHORIZED,
  },
  {
    name: "platform: a tenant's Entrata secret",
    endpoint: 'platform',
    body: platform(),
    auth: { kind: 'platform', secret: 'acme-current' },
    expect: UNAUTHORIZED,
  },
  {
    name: 'platform: Entrata-style signature header',
    endpoint: 'platform',
    body: platform(),
    auth: { kind: 'header', name: 'verification-signature', value: 't=1,v1=abcd' },
    expect: UNAUTHORIZED,
  },
  {
    // PLATFORM_WEBHOOK_SECRET_PREVIOUS: while the secret is rotated, the old one still verifies.
    name: 'platform: the secret being rotated out',
    endpoint: 'platform',
    body: platform({ verification_id: 'pe-rotated' }),
    auth: { kind: 'platform', secret: 'platform-rotated' },
    expect: {
      status: 202,
      stored: { platformKey: platformKey(platform({ verification_id: 'pe-rotated' })) },
    },
  },
  {
    name: 'platform: unknown code is accepted (recorded as ignored later)',
    endpoint: 'platform',
    body: UNKNOWN_CODE_BODY,
    auth: signedPlatform,
    expect: { status: 202, stored: { platformKey: platformKey(UNKNOWN_CODE_BODY) } },
  },
  {
    name: 'platform: extra fields tolerated',
    endpoint: 'platform',
    body: platform({ verification_id: 'pe-extra', version: 3, meta: { a: 1 } }),
    auth: signedPlatform,
    expect: {
      status: 202,
      stored: {
        platformKey: platformKey(platform({ verification_id: 'pe-extra', version: 3, meta: { a: 1 } })),
      },
    },
  },
  {
    name: 'platform: SQL injection in a field stored verbatim',
    endpoint: 'platform',
    body: platform({ verification_id: "'; DELETE FROM platform_webhooks; --" }),
    auth: signedPlatform,
    expect: {
      status: 202,
      stored: {
        platformKey: platformKey(platform({ verification_id: "'; DELETE FROM platform_webhooks; --" })),
      },
    },
  },
  {
    // The Content-Type is not documented: the body is read as JSON whatever the header says.
    name: 'platform: text/plain is read as JSON',
    endpoint: 'platform',
    contentType: 'text/plain',
    body: platform({ verification_id: 'pe-text-plain' }),
    auth: signedPlatform,
    expect: {
      status: 202,
      stored: { platformKey: platformKey(platform({ verification_id: 'pe-text-plain' })) },
    },
  },
  {
    name: 'platform: no Content-Type at all is read as JSON',
    endpoint: 'platform',
    contentType: null,
    body: platform({ verification_id: 'pe-no-type' }),
    auth: signedPlatform,
    expect: {
      status: 202,
      stored: { platformKey: platformKey(platform({ verification_id: 'pe-no-type' })) },
    },
  },
  {
    name: 'platform: truncated JSON',
    endpoint: 'platform',
    body: '{"code":"REPORT_READY","report_id":',
    auth: signedPlatform,
    expect: MALFORMED,
  },
  { name: 'platform: empty body', endpoint: 'platform', body: '', auth: signedPlatform, expect: MALFORMED },
  {
    name: 'platform: duplicate code',
    endpoint: 'platform',
    body: '{"code":"VERIFICATION_STARTED","verification_id":"v-1","code":"REPORT_READY"}',
    auth: signedPlatform,
    expect: { ...MALFORMED, detail: /duplicate key "code"/ },
  },
  {
    name: 'platform: invalid UTF-8',
    endpoint: 'platform',
    body: Buffer.concat([
      Buffer.from('{"code":"REPORT_READY","report_id":"'),
      Buffer.from([0xc3]),
      Buffer.from('"}'),
    ]),
    auth: signedPlatform,
    expect: { ...MALFORMED, detail: /UTF-8/ },
  },
  {
    name: 'platform: a number beyond range',
    endpoint: 'platform',
    body: '{"code":"REPORT_READY","report_id":"r-1","score":-1e400}',
    auth: signedPlatform,
    expect: { ...MALFORMED, detail: /out of range/ },
  },
  {
    name: 'platform: 10 000 levels of nesting in a field',
    endpoint: 'platform',
    body: () => platform({ meta: '__DEEP__' }).replace('"__DEEP__"', `{"x":${deep(10_000)}}`),
    auth: signedPlatform,
    expect: { ...MALFORMED, detail: /nested deeper/ },
  },
  {
    name: 'platform: array body',
    endpoint: 'platform',
    body: '[{"code":"REPORT_READY"}]',
    auth: signedPlatform,
    expect: { ...INVALID, paths: ['body'] },
  },
  {
    name: 'platform: code missing',
    endpoint: 'platform',
    body: JSON.stringify({ report_id: 'r-1', report_type: 'income' }),
    auth: signedPlatform,
    expect: { ...INVALID, detail: /code/ },
  },
  {
    name: 'platform: code is an object',
    endpoint: 'platform',
    body: platform({ code: { name: 'REPORT_READY' } }),
    auth: signedPlatform,
    expect: { ...INVALID, paths: ['body.code'] },
  },
  {
    name: 'platform: code is a number',
    endpoint: 'platform',
    body: platform({ code: 7 }),
    auth: signedPlatform,
    expect: { ...INVALID, paths: ['body.code'] },
  },
  {
    name: 'platform: code empty',
    endpoint: 'platform',
    body: platform({ code: '' }),
    auth: signedPlatform,
    expect: { ...INVALID, paths: ['body.code'] },
  },
  {
    name: 'platform: NUL in a field',
    endpoint: 'platform',
    body: platform({ report_id: 'r\u0000' }),
    auth: signedPlatform,
    expect: { ...INVALID, paths: ['body.report_id'] },
  },
  {
    name: 'platform: lone surrogate in code',
    endpoint: 'platform',
    body: '{"code":"\\udfff","data":{}}',
    auth: signedPlatform,
    expect: { ...INVALID, paths: ['body.code'] },
  },
  {
    name: 'platform: 64 KiB + 1 byte',
    endpoint: 'platform',
    body: () => sized(JSON.parse(platform()), LIMIT + 1),
    auth: signedPlatform,
    expect: TOO_LARGE,
  },
  {
    name: 'platform: GET on the POST route',
    endpoint: 'platform',
    method: 'GET',
    contentType: null,
    body: '',
    auth: { kind: 'none' },
    expect: { ...NOT_FOUND, type: 'urn:problem:not-found' },
  },
];

export const corpus: HostileCase[] = [...entrataCases, ...platformCases];
