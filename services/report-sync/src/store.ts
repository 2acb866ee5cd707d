/**
 * report-sync's database access. Every function takes the transaction (or, for a read outside one,
 * ctx.db.client) first. Prisma's model API throughout, except where noted.
 */
import type { ReportType } from '@autoverify/contracts';
import type { Tx } from './db.ts';
import type { ReportScope } from './domain/file-name.ts';
import type { ReportStatus } from './domain/sync-decision.ts';
import type { Report } from './generated/prisma/client.ts';

/** A report row with its text columns narrowed to the values report-sync writes. */
export type ReportRow = Omit<Report, 'reportType' | 'scope' | 'status'> & {
  reportType: ReportType;
  scope: ReportScope;
  status: ReportStatus;
};

const rowOf = (row: Report): ReportRow => ({
  ...row,
  reportType: row.reportType as ReportType,
  scope: row.scope as ReportScope,
  status: row.status as ReportStatus,
});

export type NewReport = Pick<
  ReportRow,
  | 'reportId'
  | 'tenantId'
  | 'applicationId'
  | 'entrataApplicationId'
  | 'propertyId'
  | 'applicantGroupId'
  | 'reportType'
  | 'scope'
  | 'applicantIds'
  | 'entrataCustomerIds'
  | 'sourceEventId'
>;

/** True when the row is new; false when this report was seen before (a repeat or a replay). */
export async function insertReport(tx: Tx, report: NewReport): Promise<boolean> {
  const { count } = await tx.report.createMany({ data: [report], skipDuplicates: true });
  return count === 1;
}

export async function findReport(tx: Tx, reportId: string): Promise<ReportRow | undefined> {
  const row = await tx.report.findUnique({ where: { reportId } });
  return row ? rowOf(row) : undefined;
}

/** Locks the row for the rest of the transaction (support actions racing each other or a job). */
export async function findReportForUpdate(tx: Tx, reportId: string): Promise<ReportRow | undefined> {
  // SQL: the model API has no row locks (FOR UPDATE).
  const locked = await tx.$queryRaw<{ found: number }[]>`
    SELECT 1 AS found FROM reports WHERE report_id = ${reportId} FOR UPDATE`;
  return locked.length === 1 ? findReport(tx, reportId) : undefined;
}

/**
 * Claims the row for one run: status 'uploading', one more attempt. Committed before any upload, so a crash
 * during it leaves evidence ('uploading') that the next run must check Entrata before uploading again.
 */
export async function claimReport(tx: Tx, reportId: string, now: Date): Promise<ReportRow | undefined> {
  const [row] = await tx.report.updateManyAndReturn({
    where: { reportId, status: { in: ['pending', 'uploading'] } },
    data: { status: 'uploading', attempts: { increment: 1 }, uploadStartedAt: now },
  });
  return row ? rowOf(row) : undefined;
}

/** Keeps the first name decided for the report, so every attempt (and the recognition) uses the same one. */
export async function rememberFileName(tx: Tx, reportId: string, fileName: string): Promise<string> {
  await tx.report.updateMany({ where: { reportId, fileName: null }, data: { fileName } });
  const row = await tx.report.findUnique({ where: { reportId }, select: { fileName: true } });
  return row?.fileName ?? fileName;
}

/** Completes a claimed row; undefined when it was not (or no longer) in 'uploading'. */
export async function markSynced(
  tx: Tx,
  reportId: string,
  done: { entrataFileId: string | undefined; fileName: string; at: Date },
): Promise<ReportRow | undefined> {
  const [row] = await tx.report.updateManyAndReturn({
    where: { reportId, status: 'uploading' },
    data: {
      status: 'synced',
      entrataFileId: done.entrataFileId ?? null,
      fileName: done.fileName,
      syncedAt: done.at,
      uploadUnconfirmed: false,
      lastError: null,
    },
  });
  return row ? rowOf(row) : undefined;
}

export interface FailureUpdate {
  reason: string;
  uploadUnconfirmed: boolean;
  invalidPdfCount: number;
}

const failureData = (f: FailureUpdate) => ({
  lastError: f.reason,
  uploadUnconfirmed: f.uploadUnconfirmed,
  invalidPdfCount: f.invalidPdfCount,
});

/** Releases the claim after a transient failure; the queue runs the job again later. */
export async function markRetry(tx: Tx, reportId: string, f: FailureUpdate): Promise<void> {
  await tx.report.updateMany({
    where: { reportId, status: 'uploading' },
    data: { status: 'pending', ...failureData(f) },
  });
}

/** Records a final failure; undefined when the row had already left the claim. */
export async function markFailed(tx: Tx, reportId: string, f: FailureUpdate): Promise<ReportRow | undefined> {
  const [row] = await tx.report.updateManyAndReturn({
    where: { reportId, status: 'uploading' },
    data: { status: 'failed', ...failureData(f) },
  });
  return row ? rowOf(row) : undefined;
}

/**
 * Back to 'pending' for a support action. A re-upload forgets the Entrata file (the document was deleted
 * there) and does not look for it first; a retry keeps what the row knows about an unconfirmed upload.
 */
export async function reopenReport(
  tx: Tx,
  reportId: string,
  change: { note: string; forgetDocument: boolean },
): Promise<ReportRow> {
  const row = await tx.report.update({
    where: { reportId },
    data: {
      status: 'pending',
      note: change.note,
      invalidPdfCount: 0,
      ...(change.forgetDocument ? { entrataFileId: null, syncedAt: null, uploadUnconfirmed: false } : {}),
    },
  });
  return rowOf(row);
}

export type ReportActionKind = 'retry' | 'reupload';

export async function recordAction(
  tx: Tx,
  action: {
    reportId: string;
    action: ReportActionKind;
    requestedBy: string;
    reason: string;
    previousStatus: ReportStatus;
    previousFileId: string | null;
  },
): Promise<void> {
  await tx.reportAction.create({ data: action });
}

export function listActions(tx: Tx, reportId: string) {
  return tx.reportAction.findMany({
    where: { reportId },
    orderBy: { id: 'asc' },
    select: {
      action: true,
      requestedBy: true,
      reason: true,
      previousStatus: true,
      previousFileId: true,
      createdAt: true,
    },
  });
}

/** Most recently changed first. */
export async function listReports(
  tx: Tx,
  filter: { status?: ReportStatus | undefined; tenantId?: string | undefined; limit: number },
): Promise<ReportRow[]> {
  const rows = await tx.report.findMany({
    where: {
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.tenantId ? { tenantId: filter.tenantId } : {}),
    },
    orderBy: [{ updatedAt: 'desc' }, { reportId: 'asc' }],
    take: filter.limit,
  });
  return rows.map(rowOf);
}

/**
 * Erasure of one applicant: the reports of that applicant alone go (with their support actions); a report
 * shared with co-applicants loses the applicant's id and every free text that could name them (the file
 * name carries a last name).
 */
export async function eraseApplicant(tx: Tx, applicantId: string) {
  const reports = await tx.report.findMany({
    where: { applicantIds: { has: applicantId } },
    select: { reportId: true, applicantIds: true },
  });
  const own = reports.filter((r) => r.applicantIds.every((id) => id === applicantId)).map((r) => r.reportId);
  const actions = await tx.reportAction.deleteMany({ where: { reportId: { in: own } } });
  const deleted = await tx.report.deleteMany({ where: { reportId: { in: own } } });
  const shared = reports.filter((r) => !own.includes(r.reportId));
  for (const r of shared)
    await tx.report.update({
      where: { reportId: r.reportId },
      data: {
        applicantIds: r.applicantIds.filter((id) => id !== applicantId),
        fileName: null,
        lastError: null,
        note: null,
      },
    });
  return { reports: deleted.count + shared.length, report_actions: actions.count };
}

/** Retention: reports in a final state (synced, failed) unchanged since `cutoff`, with their actions. */
export async function purgeExpired(tx: Tx, cutoff: Date, limit: number) {
  const old = await tx.report.findMany({
    where: { status: { in: ['synced', 'failed'] }, updatedAt: { lt: cutoff } },
    select: { reportId: true },
    take: limit,
  });
  const ids = old.map((r) => r.reportId);
  const actions = await tx.reportAction.deleteMany({ where: { reportId: { in: ids } } });
  const reports = await tx.report.deleteMany({ where: { reportId: { in: ids } } });
  return { reports: reports.count, report_actions: actions.count };
}
