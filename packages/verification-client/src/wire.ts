/**
 * Tolerant parsing of the platform's JSON. Only Payscore's public API *shape* is known, so we accept
 * the plausible variants (wrapped or bare objects, ids as numbers or strings, several names for the
 * invitation link) and validate only what we rely on: ids, verification types, and the status.
 */
import { VerificationPlatformError } from './errors.ts';
import type { ApplicantGroup, GroupStatus, PlatformApplicant, PlatformVerification } from './types.ts';

type Json = Record<string, unknown>;

const GROUP_STATUSES: readonly GroupStatus[] = ['not_started', 'in_progress', 'completed', 'pending'];
const LINK_FIELDS = [
  'link',
  'url',
  'invitation_link',
  'invitation_url',
  'verification_link',
  'verification_url',
] as const;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function invalid(message: string): VerificationPlatformError {
  // The platform answered 2xx with something unusable: retrying the same call rarely helps, but a
  // half-written response can happen, so let the caller's job retry a few times before giving up.
  return new VerificationPlatformError(`unexpected response from the verification platform: ${message}`, {
    kind: 'invalid_response',
    retryable: true,
  });
}

function id(value: unknown, what: string): string {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw invalid(`${what} has no id`);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function link(obj: Json): string | undefined {
  for (const field of LINK_FIELDS) {
    const value = obj[field];
    if (typeof value === 'string' && /^https?:\/\//.test(value)) return value;
  }
  const links = obj.links;
  if (isObject(links)) return link(links);
  return undefined;
}

/** `{applicant_group: {...}}`, `{data: {...}}` or the bare object. */
export function unwrap(body: unknown, key: string): unknown {
  if (isObject(body)) {
    if (key in body) return body[key];
    if ('data' in body) return body.data;
  }
  return body;
}

export function parseStatus(value: unknown): GroupStatus | 'unknown' {
  return typeof value === 'string' && (GROUP_STATUSES as readonly string[]).includes(value)
    ? (value as GroupStatus)
    : 'unknown';
}

function parseVerification(value: unknown, where: string): PlatformVerification {
  if (!isObject(value)) throw invalid(`${where} is not an object`);
  const type = optionalString(value.type) ?? optionalString(value.verification_type);
  if (!type) throw invalid(`${where} has no type`);
  return {
    id: id(value.id ?? value.verification_id, where),
    type,
    status: parseStatus(value.status),
    link: link(value),
  };
}

export function parseApplicant(value: unknown, where = 'applicant'): PlatformApplicant {
  if (!isObject(value)) throw invalid(`${where} is not an object`);
  const verifications = Array.isArray(value.verifications) ? value.verifications : [];
  return {
    id: id(value.id ?? value.applicant_id, where),
    firstName: optionalString(value.first_name),
    lastName: optionalString(value.last_name),
    email: optionalString(value.email),
    phoneNumber: optionalString(value.phone_number),
    status: parseStatus(value.status),
    link: link(value),
    verifications: verifications.map((v, i) => parseVerification(v, `${where}.verifications[${i}]`)),
  };
}

export function parseGroup(body: unknown): ApplicantGroup {
  const value = unwrap(body, 'applicant_group');
  if (!isObject(value)) throw invalid('applicant group is not an object');
  if (!Array.isArray(value.applicants)) throw invalid('applicant group has no applicants array');
  const rent = value.monthly_rent_cents ?? value.monthly_rent;
  return {
    id: id(value.id ?? value.applicant_group_id, 'applicant group'),
    status: parseStatus(value.status),
    correlationId: optionalString(value.correlation_id),
    monthlyRentCents: typeof rent === 'number' ? rent : undefined,
    link: link(value),
    applicants: value.applicants.map((a, i) => parseApplicant(a, `applicants[${i}]`)),
  };
}

/** A list answer: a bare array, `{applicant_groups: [...]}`, `{data: [...]}` or `{results: [...]}`. */
export function parseGroupList(body: unknown): ApplicantGroup[] {
  let list: unknown = body;
  if (isObject(body)) list = body.applicant_groups ?? body.data ?? body.results ?? body.items;
  if (!Array.isArray(list)) throw invalid('applicant group list is not an array');
  return list.map((g) => parseGroup(g));
}

export interface AuthToken {
  token: string;
  expiresAt: number;
}

/** Token answer: `token`/`access_token`/`jwt`, expiry from `expires_in`, `expires_at` or the JWT's exp. */
export function parseAuth(body: unknown, now: number, defaultTtlMs: number): AuthToken {
  const value = unwrap(body, 'auth');
  if (!isObject(value)) throw invalid('auth answer is not an object');
  const token =
    optionalString(value.token) ?? optionalString(value.access_token) ?? optionalString(value.jwt);
  if (!token) throw invalid('auth answer has no token');
  let expiresAt: number | undefined;
  if (typeof value.expires_in === 'number' && value.expires_in > 0) expiresAt = now + value.expires_in * 1000;
  else if (typeof value.expires_at === 'string' && !Number.isNaN(Date.parse(value.expires_at)))
    expiresAt = Date.parse(value.expires_at);
  else if (typeof value.expires_at === 'number')
    expiresAt = value.expires_at * (value.expires_at < 1e12 ? 1000 : 1);
  expiresAt ??= jwtExpiry(token) ?? now + defaultTtlMs;
  return { token, expiresAt };
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

/** Problems from an error body: `{errors:[{field,message}]}`, `{errors:{field:[msg]}}`, `{error:{message}}`, `{message}`. */
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
    optionalString(body.message) ??
    optionalString(body.detail) ??
    (typeof error === 'string' ? error : isObject(error) ? optionalString(error.message) : undefined);
  return { message, problems };
}
