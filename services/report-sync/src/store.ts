/**
 * report-sync's tables through plain SQL on the messaging `Sql` interface, so the same code runs inside the
 * consumer's transaction, a job's transaction, an HTTP request's transaction, or outside any.
 */
import type { Sql } from '@autoverify/messaging';
import type { ReportScope, ReportType } from './domain/file-name.ts';
import type { ReportStatus } from './domain/sync-decision.ts';

export interface ReportRow {
  reportId: string;
  tenantId: string;
  applicationId: string;
  entrataApplicationId: string;
  propertyId: string;
  applicantGroupId: string;
  reportType: ReportType;
  scope: ReportScope;
  applicantIds: string[];
  entrataCustomerIds: string[];
  sourceEventId: string;
  status: ReportStatus;
  attempts: number;
  uploadUnconfirmed: boolean;
  invalidPdfCount: number;
  fileName: string | null;
  entrataFileId: string | null;
  lastError: string | null;
  note: string | null;
  syncedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

// Timestamps are read as ISO strings so Prisma and pg callers see the same type.
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const COLUMNS = `report_id AS "reportId", tenant_id AS "tenantId", application_id::text AS "applicationId",
  entrata_application_id AS "entrataApplicationId", property_id AS "propertyId", applicant_group_id AS "applicantGroupId",
  report_type AS "reportType", scope, applicant_ids AS "applicantIds", entrata_customer_ids AS "entrataCustomerIds",
  source_event_id::text AS "sourceEventId", status, attempts, upload_unconfirmed AS "uploadUnconfirmed",
  invalid_pdf_count AS "invalidPdfCount", file_name AS "fileName", entrata_file_id AS "entrataFileId",
  last_error AS "lastError", note, ${iso('synced_at')} AS "syncedAt", ${iso('created_at')} AS "createdAt",
  ${iso('updated_at')} AS "updatedAt"`;

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
export async function insertReport(sql: Sql, r: NewReport): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO reports (report_id, tenant_id, application_id, entrata_application_id, property_id, applicant_group_id,
       report_type, scope, applicant_ids, entrata_customer_ids, source_event_id)
     VALUES ($1, $2, $3::uuid, $4, $5, $6, $7, $8, $9::text[], $10::text[], $11::uuid)
     ON CONFLICT (report_id) DO NOTHING
     RETURNING report_id`,
    [
      r.reportId,
      r.tenantId,
      r.applicationId,
      r.entrataApplicationId,
      r.propertyId,
      r.applicantGroupId,
      r.reportType,
      r.scope,
      r.applicantIds,
      r.entrataCustomerIds,
      r.sourceEventId,
    ],
  );
  return rows.length === 1;
}

export async function findReport(sql: Sql, reportId: string): Promise<ReportRow | undefined> {
  const rows = await sql.query<ReportRow>(`SELECT ${COLUMNS} FROM reports WHERE report_id = $1`, [reportId]);
  return rows[0];
}

/** Locks the row for the rest of the transaction (support actions racing each other or a job). */
export async function findReportForUpdate(sql: Sql, reportId: string): Promise<ReportRow | undefined> {
  const rows = await sql.query<ReportRow>(`SELECT ${COLUMNS} FROM reports WHERE report_id = $1 FOR UPDATE`, [
    reportId,
  ]);
  return rows[0];
}

/**
 * Claims the row for one run: status 'uploading', one more attempt. Committed before any upload, so a crash
 * during it leaves evidence ('uploading') that the next run must check Entrata before uploading again.
 */
export async function claimReport(sql: Sql, reportId: string): Promise<ReportRow | undefined> {
  const rows = await sql.query<ReportRow>(
    `UPDATE reports SET status = 'uploading', attempts = attempts + 1, upload_started_at = now(), updated_at = now()
     WHERE report_id = $1 AND status IN ('pending', 'uploading')
     RETURNING ${COLUMNS}`,
    [reportId],
  );
  return rows[0];
}

/** Keeps the first name decided for the report, so every attempt (and the recognition) uses the same one. */
export async function rememberFileName(sql: Sql, reportId: string, fileName: string): Promise<string> {
  const rows = await sql.query<{ fileName: string }>(
    `UPDATE reports SET file_name = COALESCE(file_name, $2) WHERE report_id = $1 RETURNING file_name AS "fileName"`,
    [reportId, fileName],
  );
  return rows[0]?.fileName ?? fileName;
}

/** Completes a claimed row; undefined when it was not (or no longer) in 'uploading'. */
export async function markSynced(
  sql: Sql,
  reportId: string,
  entrataFileId: string | undefined,
  fileName: string,
): Promise<ReportRow | undefined> {
  const rows = await sql.query<ReportRow>(
    `UPDATE reports SET status = 'synced', entrata_file_id = $2, file_name = $3, synced_at = now(), updated_at = now(),
       upload_unconfirmed = false, last_error = NULL
     WHERE report_id = $1 AND status = 'uploading'
     RETURNING ${COLUMNS}`,
    [reportId, entrataFileId ?? null, fileName],
  );
  return rows[0];
}

export interface FailureUpdate {
  reason: string;
  uploadUnconfirmed: boolean;
  invalidPdfCount: number;
}

/** Releases the claim after a transient failure; the queue runs the job again later. */
export async function markRetry(sql: Sql, reportId: string, f: FailureUpdate): Promise<void> {
  await sql.query(
    `UPDATE reports SET status = 'pending', last_error = $2, upload_unconfirmed = $3, invalid_pdf_count = $4, updated_at = now()
     WHERE report_id = $1 AND status = 'uploading'`,
    [reportId, f.reason, f.uploadUnconfirmed, f.invalidPdfCount],
  );
}

/** Records a final failure; undefined when the row had already left the claim. */
export async function markFailed(
  sql: Sql,
  reportId: string,
  f: FailureUpdate,
): Promise<ReportRow | undefined> {
  const rows = await sql.query<ReportRow>(
    `UPDATE reports SET status = 'failed', last_error = $2, upload_unconfirmed = $3, invalid_pdf_count = $4, updated_at = now()
     WHERE report_id = $1 AND status = 'uploading'
     RETURNING ${COLUMNS}`,
    [reportId, f.reason, f.uploadUnconfirmed, f.invalidPdfCount],
  );
  return rows[0];
}

/**
 * Back to 'pending' for a support action. A re-upload forgets the Entrata file (the document was deleted
 * there) and does not look for it first; a retry keeps what the row knows about an unconfirmed upload.
 */
export async function reopenReport(
  sql: Sql,
  reportId: string,
  change: { note: string; forgetDocument: boolean },
): Promise<ReportRow | undefined> {
  const rows = await sql.query<ReportRow>(
    `UPDATE reports SET status = 'pending', note = $2, invalid_pdf_count = 0, updated_at = now(),
       entrata_file_id = CASE WHEN $3::boolean THEN NULL ELSE entrata_file_id END,
       synced_at = CASE WHEN $3::boolean THEN NULL ELSE synced_at END,
       upload_unconfirmed = CASE WHEN $3::boolean THEN false ELSE upload_unconfirmed END
     WHERE report_id = $1
     RETURNING ${COLUMNS}`,
    [reportId, change.note, change.forgetDocument],
  );
  return rows[0];
}

export async function recordAction(
  sql: Sql,
  a: {
    reportId: string;
    action: 'retry' | 'reupload';
    requestedBy: string;
    reason: string;
    previousStatus: string;
    previousFileId: string | null;
  },
): Promise<void> {
  await sql.query(
    `INSERT INTO report_actions (report_id, action, requested_by, reason, previous_status, previous_file_id)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [a.reportId, a.action, a.requestedBy, a.reason, a.previousStatus, a.previousFileId],
  );
}

export interface ActionRow {
  action: string;
  requestedBy: string;
  reason: string;
  previousStatus: string;
  previousFileId: string | null;
  createdAt: string;
}

export async function listActions(sql: Sql, reportId: string): Promise<ActionRow[]> {
  return sql.query<ActionRow>(
    `SELECT action, requested_by AS "requestedBy", reason, previous_status AS "previousStatus",
       previous_file_id AS "previousFileId", ${iso('created_at')} AS "createdAt"
     FROM report_actions WHERE report_id = $1 ORDER BY id`,
    [reportId],
  );
}

/** Most recently changed first. */
export async function listReports(
  sql: Sql,
  filter: { status?: ReportStatus | undefined; tenantId?: string | undefined; limit: number },
): Promise<ReportRow[]> {
  return sql.query<ReportRow>(
    `SELECT ${COLUMNS} FROM reports
     WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR tenant_id = $2)
     ORDER BY updated_at DESC, report_id LIMIT $3`,
    [filter.status ?? null, filter.tenantId ?? null, filter.limit],
  );
}
