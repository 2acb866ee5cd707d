/**
 * Whether a platform report may go into the Entrata application it arrived with. ReportCompleted names the
 * report and, beside it, the applicant group (and so the tenant and application) ingest mapped it to; the
 * report is fetched by its id alone. Before anything is uploaded, the platform's own report data must show
 * that the report belongs to that group: otherwise a wrong mapping, a stray id or a replay with altered
 * fields would file one household's report under another's application, possibly another customer's.
 */
import type { ReportType } from '@autoverify/contracts';
import type { ReportData } from '@autoverify/verification-client';

/** The report cannot be shown to belong to its application: never uploaded, support must look. */
export class ReportBindingError extends Error {
  override name = 'ReportBindingError';
}

/** Why the report data does not show the report to be the one expected; undefined when it does. */
export function reportBindingProblem(
  expected: { reportId: string; applicantGroupId: string; reportType: ReportType },
  data: Pick<ReportData, 'reportId' | 'applicantGroupId' | 'reportType'>,
): string | undefined {
  const { reportId, applicantGroupId, reportType } = expected;
  if (data.reportId !== undefined && data.reportId !== reportId)
    return `the platform answered for report ${data.reportId} when asked for report ${reportId}`;
  if (data.applicantGroupId === undefined)
    return `the platform's data of report ${reportId} names no applicant group, so it cannot be shown to belong to applicant group ${applicantGroupId}`;
  if (data.applicantGroupId !== applicantGroupId)
    return `report ${reportId} belongs to applicant group ${data.applicantGroupId} at the platform, not to applicant group ${applicantGroupId} it arrived with`;
  // Documented beside the group; when given it must agree, or the report would be filed under the wrong type.
  if (data.reportType !== undefined && data.reportType !== reportType)
    return `report ${reportId} is a ${data.reportType} report at the platform, not the ${reportType} report it arrived as`;
  return undefined;
}

/** Throws ReportBindingError (a permanent failure) unless the report data shows the expected report. */
export function assertReportBinding(
  expected: Parameters<typeof reportBindingProblem>[0],
  data: Parameters<typeof reportBindingProblem>[1],
): void {
  const problem = reportBindingProblem(expected, data);
  if (problem) throw new ReportBindingError(`${problem}: not uploaded anywhere`);
}
