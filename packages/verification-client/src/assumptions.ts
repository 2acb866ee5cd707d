/**
 * Every assumption we make about parts of the verification platform that its documentation does not show,
 * in one place (see docs/domain.md "Verification platform" and docs.payscore.com/api-reference). Each says
 * what we assume, where it is used, and what happens when reality differs: our side must then fail
 * VISIBLY (a recorded outcome support can see), never silently and never with a made-up value.
 *
 * The parsers of the undocumented shapes live here too, so correcting an assumption is one edit.
 */
import { kindOfPlatformType } from './kinds.ts';
import type { PlatformApplicant, PlatformVerification } from './types.ts';
import { isObject, type Json, optionalString, parseStatus } from './wire-basics.ts';

export interface Assumption {
  id: string;
  /** What we assume (NOT DOCUMENTED unless said otherwise). */
  assumed: string;
  /** What happens on our side when it does not hold. */
  whenWrong: string;
}

export const PLATFORM_ASSUMPTIONS: readonly Assumption[] = [
  {
    id: 'applicant-ids',
    assumed:
      'NOT DOCUMENTED: a group read (or, if ever, the create answer) carries `applicants[]`, each with `id`, ' +
      '`first_name`, `last_name`, `email`, `phone_number` and `verifications[]` of `{id, type, status}`, ' +
      'applicants in the order of the request. The documented create answer has none of these.',
    whenWrong:
      'invite records the group (no second create), publishes its group id so household reports still map, ' +
      'and reports InviteBlocked `platform_ids_unavailable` per applicant; a later run reads the group again.',
  },
  {
    id: 'group-read-back',
    assumed: 'NOT DOCUMENTED: GET /api/v1/applicant_groups/{id} returns the group with its applicants.',
    whenWrong: 'as applicant-ids: InviteBlocked `platform_ids_unavailable`.',
  },
  {
    id: 'invitation-links',
    assumed:
      'NOT DOCUMENTED: each verification (or applicant) has an absolute http(s) link in `verification_url` ' +
      '(also accepted: `link`, `url`, `invitation_url`, `invitation_link`, `verification_link`, `links.*`).',
    whenWrong:
      'the applicant × kind without a link is reported as InviteBlocked `platform_ids_unavailable`; nothing is sent.',
  },
  {
    id: 'add-applicant',
    assumed: 'NOT DOCUMENTED: POST /api/v1/applicant_groups/{id}/applicants adds a member to a group.',
    whenWrong:
      '404/405: invite creates a separate group for the newcomer (correlation id `<application>:<applicant>`).',
  },
  {
    id: 'contact-update',
    assumed:
      'NOT DOCUMENTED path: PATCH /api/v1/applicant_groups/{id}/applicants/{applicantId} with `email` / ' +
      '`phone_number` (the documentation says editing a contact re-sends the invite, not how).',
    whenWrong:
      'the old contact keeps its invite; the change is reported as InviteBlocked `platform_rejected`.',
  },
  {
    id: 'auth-answer',
    assumed:
      'Documented: the JWT comes in the `Authorization` response header (`Bearer <jwt>`), valid 30 minutes. ' +
      'NOT DOCUMENTED: the body; a `token`/`access_token`/`jwt` field there is accepted when the header is absent.',
    whenWrong: 'the call fails with invalid_response (retried by the job), then is recorded as failed.',
  },
  {
    id: 'correlation-lookup',
    assumed:
      'Documented in the public API reference (not in domain.md): GET /api/v1/applicant_groups?correlation_id= ' +
      'answers `{applicant_groups: [...], total_count}`. We filter the answer again ourselves.',
    whenWrong:
      'without it a create after an ambiguous failure (time-out, 5xx) is never repeated: the application is ' +
      'recorded as failed with the reason instead of risking a second group.',
  },
  {
    id: 'report-pdf',
    assumed:
      'Documented in the public API reference: GET /api/v1/reports/{id} answers JSON with `applicant_group_id`, ' +
      '`report_type` and `pdf_url` (a pre-signed URL). NOT DOCUMENTED: that URL needs no token (we never send ours to it).',
    whenWrong:
      'report-sync records ReportSyncFailed with the platform error; report data that does not name the ' +
      "report's applicant group (or names another) is a ReportSyncFailed too, and nothing is uploaded.",
  },
  {
    id: 'error-body',
    assumed:
      'NOT DOCUMENTED: the 400 body. Problem details, `{errors:[{field|path, message}]}`, `{errors:{field:[..]}}`, ' +
      '`{error}` and `{message}` are read; an applicant is identified by `applicants[1]` / `/applicants/1`.',
    whenWrong:
      'a rejection that names no applicant blocks every applicant of the request (platform_rejected).',
  },
  {
    id: 'webhook-content-type',
    assumed:
      'NOT DOCUMENTED: the webhook Content-Type. ingest reads the body as JSON whatever the header says.',
    whenWrong: 'nothing: a body that is not JSON is refused with 400 and the platform retries.',
  },
];

const LINK_FIELDS = [
  'verification_url',
  'link',
  'url',
  'invitation_url',
  'invitation_link',
  'verification_link',
] as const;

/** NOT DOCUMENTED (invitation-links). */
export function assumedLink(obj: Json): string | undefined {
  for (const field of LINK_FIELDS) {
    const value = obj[field];
    if (typeof value === 'string' && /^https?:\/\//.test(value)) return value;
  }
  return isObject(obj.links) ? assumedLink(obj.links) : undefined;
}

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function verificationOf(value: unknown): PlatformVerification | undefined {
  if (!isObject(value)) return undefined;
  const id = idOf(value.id ?? value.verification_id);
  const type = optionalString(value.type) ?? optionalString(value.verification_type);
  if (!id || !type) return undefined;
  return {
    id,
    type,
    kind: kindOfPlatformType(type),
    status: parseStatus(value.status),
    link: assumedLink(value),
  };
}

/** NOT DOCUMENTED (applicant-ids): one applicant, or undefined when it has no id we could use. */
export function assumedApplicant(value: unknown): PlatformApplicant | undefined {
  if (!isObject(value)) return undefined;
  const id = idOf(value.id ?? value.applicant_id);
  if (!id) return undefined;
  const verifications = Array.isArray(value.verifications) ? value.verifications : [];
  return {
    id,
    firstName: optionalString(value.first_name),
    lastName: optionalString(value.last_name),
    email: optionalString(value.email),
    phoneNumber: optionalString(value.phone_number),
    status: parseStatus(value.status),
    link: assumedLink(value),
    verifications: verifications.map(verificationOf).filter((v) => v !== undefined),
  };
}

/**
 * NOT DOCUMENTED (applicant-ids): the applicants of a group answer, or undefined when the answer does not
 * carry them (the documented shape) or carries an applicant without an id: a partial list would map the
 * wrong people, so it counts as not given.
 */
export function assumedApplicants(value: unknown): PlatformApplicant[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const applicants = value.map(assumedApplicant);
  return applicants.every((a) => a !== undefined) ? applicants : undefined;
}
