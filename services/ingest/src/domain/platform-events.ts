import type { PayloadOf, ReportCompleted, VerificationCompleted } from '@autoverify/contracts';
import { isHouseholdReport } from '@autoverify/verification-client';
import Type from 'typebox';
import { Compile } from 'typebox/compile';
import { type FieldProblem, NO_CONTROL_CHARACTERS, storageProblems } from './json-safety.ts';

/**
 * Documented (docs/domain.md, docs.payscore.com/webhooks): the body is a FLAT JSON object with a `code` and
 * the fields beside it, nothing wrapped in `data`; no event id, no timestamp, no tenant. Only `code` is
 * required here: what each code needs is checked when it is processed, so an unknown code is still stored.
 */
const PlatformWebhookBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 100, pattern: NO_CONTROL_CHARACTERS }) },
  { additionalProperties: true },
);
const checkBody = Compile(PlatformWebhookBody);

export interface PlatformWebhook {
  code: string;
  /** The documented fields beside `code` (verification_id, report_id, ...). */
  fields: Record<string, unknown>;
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
  const { code, ...fields } = body as { code: string } & Record<string, unknown>;
  return { ok: true, webhook: { code, fields } };
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

export const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined;

export type Plan<T> =
  | { kind: 'publish'; payload: T }
  | { kind: 'invalid'; reason: string }
  | { kind: 'unmapped'; reason: string };

type ReportType = 'income' | 'identity' | 'asset';
const KINDS = new Set(['income', 'identity']);
const REPORT_TYPES = new Set<string>(['income', 'identity', 'asset']);

/** VERIFICATION_COMPLETED {verification_id, reason_completed} -> VerificationCompleted. */
export function planVerificationCompleted(
  fields: Record<string, unknown>,
  verification: VerificationMapping | undefined,
  group: GroupMapping | undefined,
): Plan<PayloadOf<typeof VerificationCompleted>> {
  const verificationId = text(fields.verification_id);
  if (!verificationId) return { kind: 'invalid', reason: 'verification_id is missing' };
  if (!verification) return { kind: 'unmapped', reason: `verification ${verificationId} is not known yet` };
  if (!group)
    return { kind: 'unmapped', reason: `applicant group ${verification.applicantGroupId} is not known yet` };
  const applicant = group.applicants.find((a) => a.platformApplicantId === verification.platformApplicantId);
  if (!applicant)
    return { kind: 'unmapped', reason: `applicant ${verification.platformApplicantId} is not known yet` };
  if (!KINDS.has(verification.kind))
    return { kind: 'invalid', reason: `verification kind ${verification.kind} is not income or identity` };
  const reasonCompleted = text(fields.reason_completed);
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
 * REPORT_READY {applicant_group_id, applicant_id?, report_id, report_type} -> ReportCompleted. Documented:
 * income and asset reports are household reports for the whole group whatever `applicant_id` says (they may
 * omit it, the documentation's own example repeats the group id in it, and a member's id there does not make
 * it one person's report); identity reports are individual and carry the applicant's id.
 */
export function planReportCompleted(
  fields: Record<string, unknown>,
  group: GroupMapping | undefined,
): Plan<PayloadOf<typeof ReportCompleted>> {
  const groupId = text(fields.applicant_group_id);
  const reportId = text(fields.report_id);
  const reportType = text(fields.report_type);
  if (!groupId || !reportId || !reportType)
    return { kind: 'invalid', reason: 'REPORT_READY needs applicant_group_id, report_id and report_type' };
  if (!REPORT_TYPES.has(reportType)) return { kind: 'invalid', reason: `unknown report_type ${reportType}` };
  if (!group) return { kind: 'unmapped', reason: `applicant group ${groupId} is not known yet` };

  const household = isHouseholdReport(reportType as ReportType);
  const platformApplicantId = text(fields.applicant_id);
  let covered = group.applicants;
  if (!household) {
    if (!platformApplicantId || platformApplicantId === groupId)
      return {
        kind: 'unmapped',
        reason: `${reportType} report ${reportId} names no applicant (applicant_id ${platformApplicantId ? 'is the group id' : 'is missing'}), so it cannot be attributed to one person`,
      };
    covered = group.applicants.filter((a) => a.platformApplicantId === platformApplicantId);
  }
  if (covered.length === 0) {
    return {
      kind: 'unmapped',
      reason: household
        ? `applicant group ${groupId} has no known applicants (the platform gave no applicant ids)`
        : `applicant ${platformApplicantId} is not known in applicant group ${groupId}`,
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
      reportType: reportType as ReportType,
      scope: household ? 'household' : 'applicant',
      applicantIds: covered.map((a) => a.applicantId),
      entrataCustomerIds: covered.map((a) => a.entrataCustomerId),
    },
  };
}

/** The ids a webhook carries, for the record support sees when it cannot be mapped. */
export function webhookIds(fields: Record<string, unknown>): {
  reportId?: string;
  reportType?: ReportType;
  verificationId?: string;
} {
  const reportId = text(fields.report_id);
  const reportType = text(fields.report_type);
  const verificationId = text(fields.verification_id);
  return {
    ...(reportId && reportId.length <= 128 ? { reportId } : {}),
    ...(reportType && REPORT_TYPES.has(reportType) ? { reportType: reportType as ReportType } : {}),
    ...(verificationId && verificationId.length <= 128 ? { verificationId } : {}),
  };
}
