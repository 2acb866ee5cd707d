import { assumedApplicant } from './assumptions.ts';
import { VerificationPlatformError } from './errors.ts';
import { assertCompletePdf } from './pdf.ts';
import { createTransport, json } from './transport.ts';
import type {
  ApplicantContactUpdate,
  ApplicantGroup,
  CreateApplicantGroupRequest,
  NewApplicant,
  PlatformApplicant,
  Report,
  ReportData,
  VerificationClient,
  VerificationClientOptions,
} from './types.ts';
import { parseGroup, parseGroupList, parseReportData, unwrap } from './wire.ts';
import { invalid } from './wire-basics.ts';

const E164 = /^\+[1-9][0-9]{7,14}$/;

export function createVerificationClient(options: VerificationClientOptions): VerificationClient {
  const transport = createTransport(options);
  const logger = options.logger.child({ component: 'verification-client' });
  const { call } = transport;

  return {
    async createApplicantGroup(body: CreateApplicantGroupRequest): Promise<ApplicantGroup> {
      validateCreate(body);
      // Documented: 200 (not 201) with the group; 201 is accepted too, it says the same.
      const answer = await call({
        method: 'POST',
        path: '/api/v1/applicant_groups',
        body,
        auth: true,
        idempotent: false,
        expect: [200, 201],
      });
      return parseGroup(json(answer));
    },

    async getApplicantGroup(groupId: string): Promise<ApplicantGroup> {
      // NOT DOCUMENTED (assumptions.ts, group-read-back).
      const answer = await call({
        method: 'GET',
        path: `/api/v1/applicant_groups/${segment(groupId)}`,
        auth: true,
        idempotent: true,
      });
      return parseGroup(json(answer));
    },

    async findApplicantGroupByCorrelationId(correlationId: string): Promise<ApplicantGroup | undefined> {
      // Documented list filter (assumptions.ts, correlation-lookup).
      const answer = await call({
        method: 'GET',
        path: '/api/v1/applicant_groups',
        query: { correlation_id: correlationId },
        auth: true,
        idempotent: true,
      });
      // Filter again ourselves: a platform that ignored the parameter would list every group.
      const groups = parseGroupList(json(answer)).filter((g) => g.correlationId === correlationId);
      if (groups.length > 1)
        logger.warn(
          { correlationId, groupIds: groups.map((g) => g.id) },
          'several applicant groups share one correlation id; using the first',
        );
      return groups[0];
    },

    async addApplicant(groupId: string, applicant: NewApplicant): Promise<PlatformApplicant> {
      validateApplicants([applicant]);
      // NOT DOCUMENTED (assumptions.ts, add-applicant).
      const answer = await call({
        method: 'POST',
        path: `/api/v1/applicant_groups/${segment(groupId)}/applicants`,
        body: applicant,
        auth: true,
        idempotent: false,
        expect: [200, 201],
      });
      return applicantOf(json(answer));
    },

    async updateApplicant(
      groupId: string,
      applicantId: string,
      update: ApplicantContactUpdate,
    ): Promise<PlatformApplicant> {
      if (update.email === undefined && update.phone_number === undefined) {
        throw new VerificationPlatformError('applicant update needs an email or a phone number', {
          kind: 'invalid_request',
          retryable: false,
        });
      }
      if (update.phone_number !== undefined) validatePhone(update.phone_number, 'phone_number');
      // NOT DOCUMENTED path (assumptions.ts, contact-update).
      const answer = await call({
        method: 'PATCH',
        path: `/api/v1/applicant_groups/${segment(groupId)}/applicants/${segment(applicantId)}`,
        body: update,
        auth: true,
        idempotent: true,
      });
      return applicantOf(json(answer));
    },

    async getReport(reportId: string): Promise<ReportData> {
      // Documented (public API reference): the report data carries its group and a pre-signed `pdf_url`.
      const answer = await call({
        method: 'GET',
        path: `/api/v1/reports/${segment(reportId)}`,
        auth: true,
        idempotent: true,
      });
      const data = parseReportData(json(answer));
      if (data.reportId !== undefined && data.reportId !== reportId)
        throw invalid(`asked for report ${reportId}, got the data of report ${data.reportId}`);
      return data;
    },

    async downloadReport(reportId: string, report: Pick<ReportData, 'pdfUrl'>): Promise<Report> {
      // Our token is never sent to the pre-signed URL (it may be another host, e.g. S3).
      const answer = await call({
        method: 'GET',
        path: `/api/v1/reports/${segment(reportId)} (pdf_url)`,
        url: report.pdfUrl,
        accept: 'application/pdf',
        auth: false,
        idempotent: true,
      });
      assertCompletePdf(answer.body, reportId);
      const contentType = header(answer.headers['content-type'])?.split(';')[0]?.trim() || 'application/pdf';
      return { bytes: answer.body, contentType };
    },

    close: () => transport.close(),
  };
}

function applicantOf(body: unknown): PlatformApplicant {
  const applicant = assumedApplicant(unwrap(body, 'applicant'));
  if (!applicant) throw invalid('applicant answer has no applicant id');
  return applicant;
}

function refuse(message: string, field?: string): VerificationPlatformError {
  return new VerificationPlatformError(message, {
    kind: 'invalid_request',
    retryable: false,
    ...(field ? { problems: [{ field, message }] } : {}),
  });
}

/** What the documentation marks required, checked before sending so a bad request never reaches it. */
function validateCreate(body: CreateApplicantGroupRequest): void {
  if (!Number.isInteger(body.monthly_rent) || body.monthly_rent <= 0)
    throw refuse('monthly_rent must be a positive integer number of cents', 'monthly_rent');
  if (!body.decision_maker_display_name?.trim())
    throw refuse('decision_maker_display_name is required', 'decision_maker_display_name');
  validateApplicants(body.applicants);
}

function validateApplicants(applicants: NewApplicant[]): void {
  if (applicants.length === 0) throw refuse('an applicant group needs at least one applicant');
  applicants.forEach((a, i) => {
    if (a.phone_number !== undefined) validatePhone(a.phone_number, `applicants[${i}].phone_number`);
    if (a.verifications.length === 0) throw refuse(`applicants[${i}] needs at least one verification`);
  });
}

function validatePhone(value: string, field: string): void {
  if (!E164.test(value)) throw refuse(`${field} must be an E.164 number`, field);
}

const segment = (value: string): string => encodeURIComponent(value);
const header = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;
