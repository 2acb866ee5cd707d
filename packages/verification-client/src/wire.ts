/**
 * Parsing of the platform's DOCUMENTED answers (docs/domain.md; examples in test/fixtures/documented).
 * Tolerant where the documentation is loose (ids as numbers or strings, a wrapped or bare object, the
 * "pending" status outside the schema enum), strict only about what we rely on: the group id. What the
 * documentation does not show is parsed in assumptions.ts and may be absent.
 */
import { assumedApplicants } from './assumptions.ts';
import type { ApplicantGroup, ReportData } from './types.ts';
import { invalid, isObject, optionalString, parseStatus } from './wire-basics.ts';

export { parseStatus } from './wire-basics.ts';

function id(value: unknown, what: string): string {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw invalid(`${what} has no id`);
}

const optionalId = (value: unknown): string | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? String(value) : optionalString(value);

/** `{applicant_group: {...}}`, `{data: {...}}` or the bare object (documented: the bare object). */
export function unwrap(body: unknown, key: string): unknown {
  if (isObject(body)) {
    if (key in body) return body[key];
    if ('data' in body && isObject(body.data)) return body.data;
  }
  return body;
}

/**
 * Documented group (create answer and list item): `id`, `status`, `monthly_rent_cents`, `unit_number`,
 * `property{id,...}`, `correlation_id` (nullable), `unit_id` (nullable), `created_at_timestamp` (float Unix
 * seconds), `verification_types`. No `applicants` array is documented: it is read only if present.
 */
export function parseGroup(body: unknown): ApplicantGroup {
  const value = unwrap(body, 'applicant_group');
  if (!isObject(value)) throw invalid('applicant group is not an object');
  const rent = value.monthly_rent_cents ?? value.monthly_rent;
  const created = value.created_at_timestamp;
  return {
    id: id(value.id ?? value.applicant_group_id, 'applicant group'),
    status: parseStatus(value.status),
    correlationId: optionalString(value.correlation_id),
    monthlyRentCents: typeof rent === 'number' && Number.isFinite(rent) ? rent : undefined,
    unitNumber: optionalId(value.unit_number),
    unitId: optionalId(value.unit_id),
    propertyId: isObject(value.property) ? optionalId(value.property.id) : undefined,
    createdAt:
      typeof created === 'number' && Number.isFinite(created)
        ? new Date(Math.round(created * 1000))
        : undefined,
    verificationTypes: Array.isArray(value.verification_types)
      ? value.verification_types.filter((t): t is string => typeof t === 'string')
      : [],
    applicants: assumedApplicants(value.applicants),
  };
}

/** Documented list answer `{applicant_groups: [...], total_count}`; a bare array or `data` is tolerated. */
export function parseGroupList(body: unknown): ApplicantGroup[] {
  let list: unknown = body;
  if (isObject(body)) list = body.applicant_groups ?? body.data ?? body.results;
  if (!Array.isArray(list)) throw invalid('applicant group list is not an array');
  return list.map((g) => parseGroup(g));
}

export interface AuthToken {
  token: string;
  expiresAt: number;
}

/**
 * Documented: the JWT is returned in the `Authorization` response header (`Bearer eyJ...`) and expires after
 * 30 minutes. The body is not documented (the reference says "No content"): a token there is accepted only
 * when the header is absent (see assumptions.ts, auth-answer). Expiry: the JWT's `exp`, else 30 minutes.
 */
export function parseAuth(
  header: string | string[] | undefined,
  body: unknown,
  now: number,
  defaultTtlMs: number,
): AuthToken {
  const raw = (Array.isArray(header) ? header[0] : header)?.trim();
  const fromHeader = raw ? raw.replace(/^Bearer\s+/i, '').trim() : undefined;
  const value = unwrap(body, 'auth');
  const fromBody = isObject(value)
    ? (optionalString(value.token) ?? optionalString(value.access_token) ?? optionalString(value.jwt))
    : undefined;
  const token = fromHeader || fromBody;
  if (!token) throw invalid('auth answer has no token in the Authorization header');
  return { token, expiresAt: jwtExpiry(token) ?? now + defaultTtlMs };
}

function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return isObject(claims) && typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Documented (public API reference) report data: `{report_id, report_type, applicant_group_id,
 * applicant_id?, pdf_url, data}`. We need the PDF's URL, and the ids and type that say whose report it is.
 */
export function parseReportData(body: unknown): ReportData {
  // Not unwrapped: the documented answer has a `data` member of its own (the report's content).
  if (!isObject(body)) throw invalid('report data is not an object');
  const url = optionalString(body.pdf_url);
  if (!url || !/^https?:\/\//.test(url)) throw invalid('report data has no http(s) pdf_url');
  return {
    reportId: optionalId(body.report_id),
    reportType: optionalString(body.report_type),
    applicantGroupId: optionalId(body.applicant_group_id),
    applicantId: optionalId(body.applicant_id),
    pdfUrl: url,
  };
}

/** Problems from an error body (NOT DOCUMENTED, see assumptions.ts error-body). */
export function parseProblems(body: unknown): {
  message?: string;
  problems: { field?: string; message: string }[];
} {
  if (!isObject(body)) return { problems: [] };
  const problems: { field?: string; message: string }[] = [];
  const errors = body.errors;
  if (Array.isArray(errors)) {
    for (const e of errors) {
      if (typeof e === 'string') problems.push({ message: e });
      else if (isObject(e)) {
        const message = optionalString(e.message) ?? optionalString(e.detail) ?? 'invalid';
        const field = optionalString(e.field) ?? optionalString(e.path) ?? optionalString(e.pointer);
        problems.push(field ? { field, message } : { message });
      }
    }
  } else if (isObject(errors)) {
    for (const [field, messages] of Object.entries(errors)) {
      for (const m of Array.isArray(messages) ? messages : [messages])
        problems.push({ field, message: String(m) });
    }
  }
  const error = body.error;
  const message =
    optionalString(body.detail) ??
    optionalString(body.message) ??
    (typeof error === 'string' ? error : isObject(error) ? optionalString(error.message) : undefined);
  return { message, problems };
}
