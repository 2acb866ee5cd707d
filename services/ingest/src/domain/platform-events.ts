import type { PayloadOf, ReportCompleted, VerificationCompleted } from '@autoverify/contracts';
import Type from 'typebox';
import { Compile } from 'typebox/compile';
import { type FieldProblem, NO_CONTROL_CHARACTERS, storageProblems } from './json-safety.ts';

/** `{code, data, event_id?, created_at?}` as the verification platform posts it. */
const PlatformWebhookBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 100, pattern: NO_CONTROL_CHARACTERS }),
    data: Type.Record(Type.String(), Type.Unknown()),
    event_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: NO_CONTROL_CHARACTERS })),
    created_at: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
const checkBody = Compile(PlatformWebhookBody);

export interface PlatformWebhook {
  code: string;
  data: Record<string, unknown>;
  eventId?: string;
}

export function parsePlatformWebhook(
  body: unknown,
): { ok: true; webhook: PlatformWebhook } | { ok: false; errors: FieldProblem[] } {
  const unstorable = storageProblems(body);
  if (unstorable.length > 0) return { ok: false, errors: unstorable };
  if (!checkBody.Check(body)) {
    return {
      ok: false,
      errors: [...checkBody.Errors(body)]
        .slice(0, 20)
        .map((e) => ({ path: e.instancePath || '/', message: e.message })),
    };
  }
  return {
    ok: true,
    webhook: { code: body.code, data: body.data, ...(body.event_id ? { eventId: body.event_id } : {}) },
  };
}

/** The id mapping from VerificationRequested that platform webhooks are translated with. */
export interface GroupMapping {
  applicantGroupId: string;
  tenantId: string;
  applicationId: string;
  entrataApplicationId: string;
  propertyId: string;
  applicants: { platformApplicantId: string; applicantId: string; entrataCustomerId: string }[];
}

export interface VerificationMapping {
  verificationId: string;
  kind: string;
  platformApplicantId: string;
  applicantGroupId: string;
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined;

export type Plan<T> =
  | { kind: 'publish'; payload: T }
  | { kind: 'invalid'; reason: string }
  | { kind: 'unmapped'; reason: string };

const KINDS = new Set(['income', 'identity']);
const REPORT_TYPES = new Set(['income', 'identity', 'asset']);

/** VERIFICATION_COMPLETED {verification_id, reason_completed?} -> VerificationCompleted. */
export function planVerificationCompleted(
  data: Record<string, unknown>,
  verification: VerificationMapping | undefined,
  group: GroupMapping | undefined,
): Plan<PayloadOf<typeof VerificationCompleted>> {
  const verificationId = text(data.verification_id);
  if (!verificationId) return { kind: 'invalid', reason: 'data.verification_id is missing' };
  if (!verification) return { kind: 'unmapped', reason: `verification ${verificationId} is not known yet` };
  if (!group)
    return { kind: 'unmapped', reason: `applicant group ${verification.applicantGroupId} is not known yet` };
  const applicant = group.applicants.find((a) => a.platformApplicantId === verification.platformApplicantId);
  if (!applicant)
    return { kind: 'unmapped', reason: `applicant ${verification.platformApplicantId} is not known yet` };
  if (!KINDS.has(verification.kind))
    return { kind: 'invalid', reason: `verification kind ${verification.kind} is not income or identity` };
  const reasonCompleted = text(data.reason_completed);
  return {
    kind: 'publish',
    payload: {
      applicationId: group.applicationId,
      applicantId: applicant.applicantId,
      kind: verification.kind as 'income' | 'identity',
      verificationId,
      ...(reasonCompleted ? { reasonCompleted } : {}),
    },
  };
}

/**
 * REPORT_READY {applicant_group_id, applicant_id?, report_id, report_type} -> ReportCompleted: per applicant
 * when applicant_id is given (identity), else for the whole household (income).
 */
export function planReportCompleted(
  data: Record<string, unknown>,
  group: GroupMapping | undefined,
): Plan<PayloadOf<typeof ReportCompleted>> {
  const groupId = text(data.applicant_group_id);
  const reportId = text(data.report_id);
  const reportType = text(data.report_type);
  if (!groupId || !reportId || !reportType)
    return { kind: 'invalid', reason: 'data needs applicant_group_id, report_id and report_type' };
  if (!REPORT_TYPES.has(reportType)) return { kind: 'invalid', reason: `unknown report_type ${reportType}` };
  if (!group) return { kind: 'unmapped', reason: `applicant group ${groupId} is not known yet` };
  const platformApplicantId = text(data.applicant_id);
  const covered = platformApplicantId
    ? group.applicants.filter((a) => a.platformApplicantId === platformApplicantId)
    : group.applicants;
  if (covered.length === 0) {
    return {
      kind: 'unmapped',
      reason: platformApplicantId
        ? `applicant ${platformApplicantId} is not known yet`
        : `group ${groupId} has no applicants`,
    };
  }
  return {
    kind: 'publish',
    payload: {
      applicationId: group.applicationId,
      entrataApplicationId: group.entrataApplicationId,
      propertyId: group.propertyId,
      applicantGroupId: groupId,
      reportId,
      reportType: reportType as 'income' | 'identity' | 'asset',
      scope: platformApplicantId ? 'applicant' : 'household',
      applicantIds: covered.map((a) => a.applicantId),
      entrataCustomerIds: covered.map((a) => a.entrataCustomerId),
    },
  };
}
