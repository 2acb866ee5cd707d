import { randomUUID } from 'node:crypto';
import { missingReferencedMetrics, scrapeMetrics, waitFor } from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_TYPES, type Harness, startHarness, syncReport, TENANT } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

const reportRow = async (reportId: string) =>
  (
    await h.db.query<{
      status: string;
      attempts: number;
      lastError: string | null;
      uploadUnconfirmed: boolean;
    }>(
      `SELECT status, attempts, last_error AS "lastError", upload_unconfirmed AS "uploadUnconfirmed" FROM reports WHERE report_id = $1`,
      [reportId],
    )
  )[0];

describe('report-sync', () => {
  it('uploads a completed report as exactly one document with the right type and name', async () => {
    const app = await h.newApplication('Lovelace');
    await h.publishReport(app, 'identity');
    await h.publishReport(app, 'income');

    const identity = await h.waitForOutcome(app.reports.identity, 'ReportSynced');
    const income = await h.waitForOutcome(app.reports.income, 'ReportSynced');
    const documents = await h.documents(app.entrataApplicationId);
    expect(documents).toHaveLength(2);
    const identityDoc = documents.find((d) => d.fileName.includes(app.reports.identity));
    const incomeDoc = documents.find((d) => d.fileName.includes(app.reports.income));
    expect(identityDoc).toMatchObject({
      fileName: `Identity Verification Report - Lovelace - ${app.reports.identity}.pdf`,
      fileTypeId: FILE_TYPES.identity,
      customerIds: app.customerIds.map(Number),
    });
    expect(incomeDoc).toMatchObject({
      fileName: `Income Verification Report - Household - ${app.reports.income}.pdf`,
      fileTypeId: FILE_TYPES.income,
    });
    expect(identity.payload).toMatchObject({
      applicationId: app.applicationId,
      entrataApplicationId: app.entrataApplicationId,
      reportType: 'identity',
      entrataFileId: String(identityDoc?.fileId),
      fileName: identityDoc?.fileName,
      attempts: 1,
    });
    expect(income.payload.entrataFileId).toBe(String(incomeDoc?.fileId));
    expect(identity.tenantId).toBe('acme');
    expect(identity.correlationId).toBe(app.applicationId);
  });

  it('has no further effect when the same report arrives again, even under a new event id', async () => {
    const app = await h.newApplication('Hopper');
    const first = await h.publishReport(app, 'income');
    await h.waitForOutcome(app.reports.income, 'ReportSynced');
    await h.publishReport(app, 'income', first.id); // redelivery: the inbox drops it
    const replay = await h.publishReport(app, 'income', randomUUID()); // replay / second REPORT_READY
    await waitFor(
      async () =>
        (await h.db.query(`SELECT 1 FROM inbox WHERE event_id = $1::uuid`, [replay.id])).length === 1
          ? true
          : undefined,
      { message: 'replay consumed' },
    );
    // A sync is enqueued in the consumer's transaction with its inbox row, so by now a wrongly queued job
    // would be in the queue: there must still be only the first one.
    const jobs = await h.db.query(`SELECT 1 FROM pgboss.job WHERE name = $1 AND singleton_key = $2`, [
      syncReport.name,
      app.reports.income,
    ]);
    expect(jobs).toHaveLength(1);
    expect(await h.documents(app.entrataApplicationId)).toHaveLength(1);
    expect(h.outcomesFor(app.reports.income)).toHaveLength(1);
    expect((await reportRow(app.reports.income))?.attempts).toBe(1);
  });

  it('retries transient upload failures with backoff and uploads once', async () => {
    const app = await h.newApplication('Turing');
    await h.fault({
      target: 'entrata',
      kind: 'http_error',
      status: 503,
      match: 'leases/sendLeaseDocuments',
      count: 2,
    });
    await h.fault({
      target: 'entrata',
      kind: 'rate_limit',
      retryAfterSeconds: 1,
      match: 'leases/sendLeaseDocuments',
      count: 2,
    });
    await h.publishReport(app, 'identity');
    const synced = await h.waitForOutcome(app.reports.identity, 'ReportSynced');
    expect(await h.documents(app.entrataApplicationId)).toHaveLength(1);
    // Runs: 503, 503, 429 twice (the client waits out Retry-After once, then leaves it to the queue), success.
    expect(synced.payload.attempts).toBe(4);
    expect(await reportRow(app.reports.identity)).toMatchObject({
      status: 'synced',
      attempts: synced.payload.attempts,
    });
  });

  it('records a permanent failure visibly; the support retry re-queues it and it succeeds once fixed', async () => {
    const app = await h.newApplication('Curie');
    await h.fault({
      target: 'entrata',
      kind: 'entrata_error',
      code: 320,
      message: 'Upload refused',
      match: 'leases/sendLeaseDocuments',
    });
    await h.publishReport(app, 'identity');
    const failed = await h.waitForOutcome(app.reports.identity, 'ReportSyncFailed');
    expect(failed.payload).toMatchObject({
      reportType: 'identity',
      attempts: 1,
      reason: expect.stringContaining('320'),
    });

    const list = await h.admin('GET', '/admin/reports?status=failed');
    expect(list.status).toBe(200);
    const listed = list.body.reports.find((r: { reportId: string }) => r.reportId === app.reports.identity);
    expect(listed).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringContaining('Upload refused'),
    });
    expect(JSON.stringify(list.body)).not.toContain('Curie');

    await h.clearFaults();
    const retried = await h.admin('POST', `/admin/reports/${app.reports.identity}/retry`, {
      requestedBy: 'agent-7',
      reason: 'file type fixed',
    });
    expect(retried.status).toBe(202);
    expect(retried.body.status).toBe('pending');
    const synced = await h.waitForOutcome(app.reports.identity, 'ReportSynced');
    expect(synced.payload.attempts).toBe(2);
    expect(await h.documents(app.entrataApplicationId)).toHaveLength(1);
    expect((await h.admin('POST', `/admin/reports/${app.reports.identity}/retry`)).status).toBe(409);
    const detail = await h.admin('GET', `/admin/reports/${app.reports.identity}`);
    expect(detail.body.actions).toMatchObject([
      { action: 'retry', requestedBy: 'agent-7', previousStatus: 'failed' },
    ]);
  });

  it('refetches an incomplete report PDF a few times, then fails visibly', async () => {
    const app = await h.newApplication('Lovelace');
    await h.fault({ target: 'platform', kind: 'truncated_pdf', match: app.reports.identity });
    await h.publishReport(app, 'identity');
    const failed = await h.waitForOutcome(app.reports.identity, 'ReportSyncFailed');
    expect(failed.payload).toMatchObject({
      attempts: 3,
      reason: expect.stringContaining('incomplete after 3 fetches'),
    });
    expect(await h.documents(app.entrataApplicationId)).toHaveLength(0);
    await h.clearFaults();
  });

  it('does not upload again after a crash between the upload and its recording', async () => {
    const app = await h.newApplication('Noether');
    await h.publishReport(app, 'identity');
    await h.waitForOutcome(app.reports.identity, 'ReportSynced');
    // As if the process died after Entrata took the file but before the row was completed.
    await h.db.query(`UPDATE reports SET status = 'uploading', entrata_file_id = NULL WHERE report_id = $1`, [
      app.reports.identity,
    ]);
    await h.service.jobs.send(syncReport, { reportId: app.reports.identity }, { key: app.reports.identity });
    await waitFor(
      async () => ((await reportRow(app.reports.identity))?.status === 'synced' ? true : undefined),
      { message: 'synced again' },
    );
    const documents = await h.documents(app.entrataApplicationId);
    expect(documents).toHaveLength(1);
    await waitFor(() => (h.outcomesFor(app.reports.identity).length === 2 ? true : undefined), {
      message: 'second ReportSynced',
    });
    expect(h.outcomesFor(app.reports.identity)[1]?.payload).toMatchObject({
      entrataFileId: String(documents[0]?.fileId),
    });
  });

  it('uploads when a crashed claim had not reached Entrata', async () => {
    const app = await h.newApplication('Hamilton');
    // A row left 'uploading' by a run that died before its upload (no document in Entrata).
    await h.db.query(
      `INSERT INTO reports (report_id, tenant_id, application_id, entrata_application_id, property_id, applicant_group_id,
         report_type, scope, applicant_ids, entrata_customer_ids, source_event_id, status, attempts)
       VALUES ($1, 'acme', $2::uuid, $3, '100001', $7, 'income', 'household', $4::text[], $5::text[], $6::uuid, 'uploading', 1)`,
      [
        app.reports.income,
        app.applicationId,
        app.entrataApplicationId,
        app.applicantIds,
        app.customerIds,
        randomUUID(),
        app.applicantGroupId,
      ],
    );
    await h.service.jobs.send(syncReport, { reportId: app.reports.income }, { key: app.reports.income });
    const synced = await h.waitForOutcome(app.reports.income, 'ReportSynced');
    expect(synced.payload.attempts).toBe(2);
    expect(await h.documents(app.entrataApplicationId)).toHaveLength(1);
  });

  it('finds the document after an upload that timed out instead of uploading twice', async () => {
    const app = await h.newApplication('Lamarr');
    // Entrata stores the file, but answers after the client's 1 s time-out.
    await h.fault({
      target: 'entrata',
      kind: 'delay',
      delayMs: 1500,
      match: 'leases/sendLeaseDocuments',
      count: 1,
    });
    await h.publishReport(app, 'identity');
    const synced = await h.waitForOutcome(app.reports.identity, 'ReportSynced');
    expect(synced.payload.attempts).toBe(2);
    const documents = await h.documents(app.entrataApplicationId);
    expect(documents).toHaveLength(1);
    expect(synced.payload.entrataFileId).toBe(String(documents[0]?.fileId));
  });

  it('looks again when Entrata does not list the new document at once', async () => {
    const app = await h.newApplication('Meitner');
    // Stored at ~1.5 s and listed from ~4 s; the retry after the 1 s time-out runs at ~2.5-3.5 s, finds
    // nothing at first and must look again rather than upload a second copy.
    await h.setDocumentVisibilityDelay(2500);
    await h.fault({
      target: 'entrata',
      kind: 'delay',
      delayMs: 1500,
      match: 'leases/sendLeaseDocuments',
      count: 1,
    });
    try {
      await h.publishReport(app, 'identity');
      const synced = await h.waitForOutcome(app.reports.identity, 'ReportSynced');
      expect(synced.payload.attempts).toBe(2);
      expect(await h.documents(app.entrataApplicationId)).toHaveLength(1);
    } finally {
      await h.setDocumentVisibilityDelay(0);
    }
  });

  it('re-uploads deliberately, with an audit record', async () => {
    const app = await h.newApplication('Franklin');
    await h.publishReport(app, 'income');
    const first = await h.waitForOutcome(app.reports.income, 'ReportSynced');

    const missing = await h.admin('POST', `/admin/reports/${app.reports.income}/reupload`, {
      requestedBy: 'agent-1',
    });
    expect(missing.status).toBe(400);
    const res = await h.admin('POST', `/admin/reports/${app.reports.income}/reupload`, {
      requestedBy: 'agent-1',
      reason: 'document deleted in Entrata',
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: 'pending',
      entrataFileId: null,
      note: expect.stringContaining('document deleted'),
    });
    await waitFor(() => (h.outcomesFor(app.reports.income).length === 2 ? true : undefined), {
      message: 'second ReportSynced',
    });
    const documents = await h.documents(app.entrataApplicationId);
    // The sandbox never deleted the first one, so the deliberate re-upload shows as a second document.
    expect(documents).toHaveLength(2);
    const detail = await h.admin('GET', `/admin/reports/${app.reports.income}`);
    expect(detail.body.actions).toMatchObject([
      {
        action: 'reupload',
        requestedBy: 'agent-1',
        reason: 'document deleted in Entrata',
        previousStatus: 'synced',
        previousFileId: first.payload.entrataFileId,
      },
    ]);
  });

  it('never uploads a report that does not belong to the applicant group it arrived with', async () => {
    const app = await h.newApplication('Goodall');
    const other = await h.newApplication('Fossey');
    // A ReportCompleted naming app's group and application, but carrying the report of another group.
    const stray = { ...app, reports: { ...app.reports, identity: other.reports.identity } };
    await h.publishReport(stray, 'identity');
    const failed = await h.waitForOutcome(other.reports.identity, 'ReportSyncFailed');
    expect(failed.payload).toMatchObject({
      applicationId: app.applicationId,
      reportType: 'identity',
      reason: expect.stringContaining(app.applicantGroupId),
    });
    expect(failed.payload.reason).toContain(other.applicantGroupId);
    expect(await h.documents(app.entrataApplicationId)).toHaveLength(0);
    expect(await h.documents(other.entrataApplicationId)).toHaveLength(0);
  });

  it('protects the admin routes with the bearer token', async () => {
    const none = await h.service.app.inject({ method: 'GET', url: '/admin/reports' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect((await h.admin('GET', '/admin/reports', undefined, 'wrong-token')).status).toBe(403);
    expect((await h.admin('GET', '/admin/reports?status=bogus')).status).toBe(400);
    const unknown = await h.admin('POST', '/admin/reports/nope/retry');
    expect(unknown.body).toMatchObject({ status: 404, detail: 'No report nope.' });
  });

  it('exposes the report-sync metrics the dashboard and the alert rules query, with the flows above counted', async () => {
    const scrape = await scrapeMetrics(h.service.app);
    expect(missingReferencedMetrics(scrape, 'report-sync')).toEqual([]);
    // Entrata's headroom as the sandbox's X-RateLimit headers said it, per tenant, Entrata service and window.
    const headroom = scrape.get('autoverify_entrata_rate_limit_headroom_ratio') ?? [];
    const day = headroom.find(
      (s) => s.labels.tenant === TENANT && s.labels.entrata_service === 'leases' && s.labels.window === 'day',
    );
    expect(day?.value).toBeGreaterThan(0.9);
    expect(day?.value).toBeLessThan(1);
  });
});
