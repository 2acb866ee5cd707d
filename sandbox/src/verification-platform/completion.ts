import { randomUUID } from 'node:crypto';
import {
  type ApplicantGroup,
  HOUSEHOLD_REPORT_TYPES,
  type PlatformApplicant,
  type PlatformSettings,
  type Report,
  type ReportType,
  reportTypeOf,
  type Verification,
} from './store.ts';

/**
 * A webhook body exactly as documented: a FLAT JSON object with `code` and the fields beside it, nothing
 * wrapped in `data`, and no event id, timestamp or tenant (docs/domain.md; docs.payscore.com/webhooks).
 */
export type PlatformWebhookBody =
  | { code: 'VERIFICATION_STARTED'; verification_id: string }
  | { code: 'VERIFICATION_COMPLETED'; verification_id: string; reason_completed: string }
  | {
      code: 'REPORT_READY';
      applicant_group_id: string;
      applicant_id?: string;
      report_id: string;
      report_type: ReportType;
    };

/** Documented: "finished" is the only documented reason_completed. */
export const DEFAULT_REASON_COMPLETED = 'finished';

/** The applicant opens the link and begins. Documented: VERIFICATION_STARTED "does not fire more than once". */
export function startVerification(verification: Verification): PlatformWebhookBody[] {
  if (verification.status !== 'not_started') return [];
  verification.status = 'in_progress';
  verification.startedAt = new Date().toISOString();
  return [{ code: 'VERIFICATION_STARTED', verification_id: verification.id }];
}

/**
 * Documented: individual reports (identity) carry `applicant_id`; household reports (income) are for the
 * whole group and may omit it, and the documentation's own example repeats the group id there.
 */
function reportReady(
  group: ApplicantGroup,
  report: Report,
  householdApplicantId: PlatformSettings['householdReportApplicantId'],
): PlatformWebhookBody {
  let applicantId = report.applicantId;
  if (!applicantId && householdApplicantId === 'group_id') applicantId = group.id;
  if (!applicantId && householdApplicantId === 'first_applicant') applicantId = group.applicants[0]?.id;
  return {
    code: 'REPORT_READY',
    applicant_group_id: group.id,
    ...(applicantId ? { applicant_id: applicantId } : {}),
    report_id: report.id,
    report_type: report.type,
  };
}

function createReport(group: ApplicantGroup, type: ReportType, applicantId?: string): Report {
  const report: Report = {
    id: randomUUID(),
    groupId: group.id,
    type,
    createdAt: new Date().toISOString(),
    ...(applicantId ? { applicantId } : {}),
  };
  group.reports.push(report);
  return report;
}

/**
 * The applicant finishes a verification. Documented: VERIFICATION_COMPLETED "might fire several times"
 * (an applicant reopens), and REPORT_READY differs from it because "the household income report require[s]
 * all applicants to complete the verification before a report is generated". Completing again here fires
 * VERIFICATION_COMPLETED again (the same body) but makes no new report.
 */
export function completeVerification(
  group: ApplicantGroup,
  applicant: PlatformApplicant,
  verification: Verification,
  reasonCompleted: string,
  householdApplicantId: PlatformSettings['householdReportApplicantId'],
): PlatformWebhookBody[] {
  const events = startVerification(verification);
  const first = verification.status !== 'completed';
  verification.status = 'completed';
  verification.completedAt = new Date().toISOString();
  verification.reasonCompleted = reasonCompleted;
  events.push({
    code: 'VERIFICATION_COMPLETED',
    verification_id: verification.id,
    reason_completed: reasonCompleted,
  });
  if (!first) return events;

  const type = reportTypeOf(verification.type);
  if (!HOUSEHOLD_REPORT_TYPES.includes(type)) {
    events.push(reportReady(group, createReport(group, type, applicant.id), householdApplicantId));
    return events;
  }
  const household = group.applicants.flatMap((a) =>
    a.verifications.filter((v) => v.type === verification.type),
  );
  const alreadyReported = group.reports.some((r) => r.type === type && !r.applicantId);
  if (!alreadyReported && household.every((v) => v.status === 'completed')) {
    events.push(reportReady(group, createReport(group, type), householdApplicantId));
  }
  return events;
}
