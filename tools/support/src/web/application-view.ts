import type { TimelineEntry } from '../store.ts';
import { type Explanation, explain } from './explain.ts';

/** What the application page shows: applicants with their own events, reports, and problems. */
export interface ApplicationView {
  applicationId: string;
  tenantId: string | null;
  entrataApplicationId: string | null;
  propertyId: string | null;
  applicants: ApplicantView[];
  /** Events that belong to no single applicant (submitted, read failures, household reports). */
  general: TimelineEntry[];
  reports: ReportView[];
  problems: { entry: TimelineEntry; explanation: Explanation }[];
  timeline: TimelineEntry[];
}

export interface ApplicantView {
  applicantId: string;
  name: string;
  role: string;
  email: string | null;
  phone: string | null;
  events: TimelineEntry[];
}

export interface ReportView {
  reportId: string;
  reportType: string;
  scope: string;
  status: 'waiting for upload' | 'in Entrata' | 'upload failed';
  entrataFileId: string | null;
  fileName: string | null;
  lastEventAt: string;
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The applicants an event is about: one (`applicantId`) or several (`applicantIds`, `applicants`). */
export function applicantIdsOf(payload: Record<string, unknown>): string[] {
  if (typeof payload.applicantId === 'string') return [payload.applicantId];
  if (Array.isArray(payload.applicantIds)) return payload.applicantIds.filter((a) => typeof a === 'string');
  return [];
}

export function applicationView(applicationId: string, timeline: TimelineEntry[]): ApplicationView {
  const applicants = new Map<string, ApplicantView>();
  const general: TimelineEntry[] = [];
  const reports = new Map<string, ReportView>();
  const problems: ApplicationView['problems'] = [];
  // A report's later events (synced, failed) name only the report: they belong where its completion did.
  const reportApplicants = new Map<string, string[]>();
  let propertyId: string | null = null;

  for (const entry of timeline) {
    const p = entry.payload;
    propertyId = str(p.propertyId) ?? propertyId;
    // The latest read of the application says who its applicants are (names as the page may show them).
    if (entry.type === 'ApplicationSubmitted' && Array.isArray(p.applicants))
      for (const a of p.applicants as Record<string, unknown>[]) {
        const id = str(a.applicantId);
        if (!id) continue;
        const known = applicants.get(id);
        applicants.set(id, {
          applicantId: id,
          name: `${str(a.firstName) ?? ''} ${str(a.lastName) ?? ''}`.trim(),
          role: str(a.role) ?? '',
          email: str(a.email),
          phone: str(a.mobilePhone),
          events: known?.events ?? [],
        });
      }
    const reportRef = str(p.reportId);
    let ids = applicantIdsOf(p);
    if (reportRef && ids.length > 0) reportApplicants.set(reportRef, ids);
    else if (reportRef) ids = reportApplicants.get(reportRef) ?? [];
    if (ids.length === 1 && ids[0]) {
      const id = ids[0];
      const applicant = applicants.get(id) ?? {
        applicantId: id,
        name: '(not in the application read)',
        role: '',
        email: null,
        phone: null,
        events: [],
      };
      applicant.events.push(entry);
      applicants.set(id, applicant);
    } else general.push(entry);

    const reportId = str(p.reportId);
    if (reportId && ['ReportCompleted', 'ReportSynced', 'ReportSyncFailed'].includes(entry.type)) {
      const report = reports.get(reportId) ?? {
        reportId,
        reportType: str(p.reportType) ?? '',
        scope: str(p.scope) ?? '',
        status: 'waiting for upload',
        entrataFileId: null,
        fileName: null,
        lastEventAt: entry.occurredAt,
      };
      if (entry.type === 'ReportSynced') {
        report.status = 'in Entrata';
        report.entrataFileId = str(p.entrataFileId);
        report.fileName = str(p.fileName);
      } else if (entry.type === 'ReportSyncFailed') report.status = 'upload failed';
      report.reportType ||= str(p.reportType) ?? '';
      report.scope ||= str(p.scope) ?? '';
      report.lastEventAt = entry.occurredAt;
      reports.set(reportId, report);
    }

    if (entry.outcome === 'failed') {
      const explanation = explain(entry.type, p);
      if (explanation) problems.push({ entry, explanation });
    }
  }
  const first = timeline[0];
  return {
    applicationId,
    tenantId: first?.tenantId ?? null,
    entrataApplicationId: timeline.find((e) => e.entrataApplicationId)?.entrataApplicationId ?? null,
    propertyId,
    applicants: [...applicants.values()],
    general,
    reports: [...reports.values()],
    problems,
    timeline,
  };
}

const list = (value: unknown): string => (Array.isArray(value) ? value.join(', ') : String(value ?? ''));

/** Where an applicant stands, in a few words per fact, oldest first: what the page's group heads with. */
export function standing(events: TimelineEntry[]): string[] {
  const facts: string[] = [];
  for (const { type, payload: p } of events) {
    if (type === 'InviteSent') facts.push(`${p.kind} invite sent on ${list(p.channels)}`);
    else if (type === 'InviteBlocked') facts.push(`invite blocked: ${p.reason}`);
    else if (type === 'NotificationSent')
      facts.push(`${p.channel} ${p.purpose ?? 'message'} delivered to the provider`);
    else if (type === 'NotificationFailed')
      facts.push(`${p.channel} ${p.purpose ?? 'message'} ${list(p.reason).replaceAll('_', ' ')}`);
    else if (type === 'ReminderScheduled') facts.push(`reminder ${p.reminderNumber} scheduled`);
    else if (type === 'InviteExpired') facts.push(`${p.kind} invite expired`);
    else if (type === 'VerificationCompleted') facts.push(`${p.kind} verification completed`);
  }
  return facts;
}
