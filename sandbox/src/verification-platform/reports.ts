import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { FaultInjector } from '../faults/faults.ts';
import { httpFaultHook } from '../faults/http.ts';
import { problem, sendProblem, titleOf } from '../shared/problem.ts';
import { renderReportPdf } from './report-pdf.ts';
import type { Authed, PlatformDeps } from './routes.ts';
import type { PlatformStore } from './store.ts';

/** NOT DOCUMENTED: how long a pdf_url stays valid (the older reference says a report URL expires in 2 hours). */
const PDF_URL_TTL_SECONDS = 2 * 60 * 60;
export const REPORT_FILES_PREFIX = '/sandbox-files/reports';

/** Signs and checks the report file links, the sandbox's stand-in for pre-signed storage URLs. */
export class FileLinks {
  private readonly key = randomBytes(32);

  sign(path: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${path}\n${expires}`).digest('hex');
  }

  verify(path: string, expires: number, signature: string): boolean {
    const expected = Buffer.from(this.sign(path, expires), 'hex');
    const given = /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/**
 * Documented in the public API reference (docs.payscore.com/api-reference/reports): GET /api/v1/reports/{id}
 * answers the report data `{report_id, report_type, applicant_group_id, applicant_id (individual reports
 * only), pdf_url, data}`; 404 when not found. `pdf_url` is a pre-signed link to the PDF.
 */
export async function reportDataRoute(app: FastifyInstance, deps: PlatformDeps, auth: Authed): Promise<void> {
  app.get('/reports/:reportId', async (request, reply) => {
    const found = deps.store.findReport((request.params as { reportId: string }).reportId);
    if (!found || found.group.clientId !== auth.clientOf(request))
      return sendProblem(reply, 404, 'Not Found', 'Report not found.');
    const { group, report } = found;
    const path = `${REPORT_FILES_PREFIX}/${report.id}.pdf`;
    const expires = Math.floor(Date.now() / 1000) + PDF_URL_TTL_SECONDS;
    return {
      report_id: report.id,
      report_type: report.type,
      applicant_group_id: group.id,
      ...(report.applicantId ? { applicant_id: report.applicantId } : {}),
      pdf_url: `${deps.publicUrl()}${path}?expires=${expires}&signature=${deps.fileLinks.sign(path, expires)}`,
      // NOT DOCUMENTED beyond the income example's summary: the sandbox has no report data to give.
      data: {},
    };
  });
}

/**
 * The PDF behind a pdf_url, served outside /api/v1 like a storage bucket: no bearer token, a valid signature
 * and expiry instead (403 otherwise, as storage answers). Platform faults apply here too; `truncated_pdf`
 * cuts the file in half with a consistent Content-Length, so only its content tells.
 */
export async function reportFileRoutes(
  app: FastifyInstance,
  deps: { store: PlatformStore; faults: FaultInjector; fileLinks: FileLinks },
): Promise<void> {
  app.addHook(
    'preHandler',
    httpFaultHook(deps.faults, 'platform', (status, message) => problem(status, titleOf(status), message)),
  );
  app.get(`${REPORT_FILES_PREFIX}/:file`, async (request, reply) => {
    const { file } = request.params as { file: string };
    const { expires, signature } = request.query as { expires?: string; signature?: string };
    const path = `${REPORT_FILES_PREFIX}/${file}`;
    const expiry = Number(expires);
    if (
      !Number.isInteger(expiry) ||
      !signature ||
      !deps.fileLinks.verify(path, expiry, signature) ||
      expiry * 1000 < Date.now()
    )
      return sendProblem(reply, 403, 'Forbidden', 'The link is invalid or has expired.');
    const found = deps.store.findReport(file.replace(/\.pdf$/, ''));
    if (!found) return sendProblem(reply, 404, 'Not Found', 'Report not found.');
    const { group, report } = found;
    let pdf = Buffer.from(await renderReportPdf(group, report));
    if (deps.faults.take('platform', ['truncated_pdf'], `GET ${path}`)) {
      pdf = pdf.subarray(0, Math.floor(pdf.length / 2));
    }
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="${report.type}-${report.id}.pdf"`)
      .send(pdf);
  });
}
