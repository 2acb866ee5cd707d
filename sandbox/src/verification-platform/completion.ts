import { randomUUID } from 'node:crypto';
import {
  type ApplicantGroup,
  HOUSEHOLD_REPORT_TYPES,
  type PlatformApplicant,
  type Report,
  type Verification,
} from './store.ts';

/** A webhook the platform owes its client, before it is wrapped with an event id and signed. */
export interface PlatformEvent {
  code: 'VERIFICATION_STARTED' | 'VERIFICATION_COMPLETED' | 'REPORT_READY';
  data: Record<string, string>;
}

/** The applicant opens the link and begins: VERIFICATION_STARTED fires once per verification. */
export function startVerification(verification: Verification): PlatformEvent[] {
  if (verification.status !== 'not_started') return [];
  verification.status = 'in_progress';
  verification.startedAt = new Date().toISOString();
  return [{ code: 'VERIFICATION_STARTED', data: { verification_id: verification.id } }];
}

function createReport(group: ApplicantGroup, type: Report['type'], applicantId?: string): PlatformEvent {
  const report: Report = {
    id: randomUUID(),
    groupId: group.id,
    type,
    createdAt: new Date().toISOString(),
    ...(applicantId ? { applicantId } : {}),
  };
  group.reports.push(report);
  return {
    code: 'REPORT_READY',
    data: {
      applicant_group_id: group.id,
      ...(applicantId ? { applicant_id: applicantId } : {}),
      report_id: report.id,
      report_type: type,
    },
  };
}

/**
 * The applicant finishes a verification. Completing again (an applicant reopened it) fires
 * VERIFICATION_COMPLETED again but makes no new report. Identity reports are per applicant; a household
 * report (income, asset) is made once every member with that verification has completed it.
 */
export function completeVerification(
  group: ApplicantGroup,
  applicant: PlatformApplicant,
  verification: Verification,
  reasonCompleted: string,
): PlatformEvent[] {
  const events = startVerification(verification);
  const first = verification.status !== 'completed';
  verification.status = 'completed';
  verification.completedAt = new Date().toISOString();
  verification.reasonCompleted = reasonCompleted;
  events.push({
    code: 'VERIFICATION_COMPLETED',
    data: { verification_id: verification.id, reason_completed: reasonCompleted },
  });
  if (!first) return events;

  if (!HOUSEHOLD_REPORT_TYPES.includes(verification.type)) {
    events.push(createReport(group, verification.type, applicant.id));
    return events;
  }
  const household = group.applicants.flatMap((a) =>
    a.verifications.filter((v) => v.type === verification.type),
  );
  const alreadyReported = group.reports.some((r) => r.type === verification.type && !r.applicantId);
  if (!alreadyReported && household.every((v) => v.status === 'completed')) {
    events.push(createReport(group, verification.type));
  }
  return events;
}
