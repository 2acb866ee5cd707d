/**
 * The sync-report job: puts one platform report into Entrata as exactly one document, whatever retries,
 * crashes and replays happen around it.
 *
 * The row is claimed ('uploading', committed) before anything leaves the process. A run that finds the row
 * already 'uploading' (the previous one died mid-upload), or flagged unconfirmed (an upload timed out),
 * reads the application's documents first and records the one carrying the report id instead of uploading
 * again. Entrata may not list a new document at once, so the list is read a few times (`verifyDelaysMs`)
 * before uploading. Before any of that, the platform's data of the report must show that it belongs to the
 * applicant group it arrived with (domain/report-binding.ts): a report that cannot be shown to is recorded
 * as failed and never uploaded. Residual risk: a document that stays invisible longer than those checks is uploaded a
 * second time; there is no idempotency key on sendLeaseDocuments to close that gap.
 */

import { UnknownTenantError } from '@autoverify/config';
import type { EntrataUploadedFile } from '@autoverify/entrata-client';
import { redactText } from '@autoverify/logger';
import type { JobAttempt } from '@autoverify/service-kit';
import { tagActiveSpan } from '@autoverify/telemetry';
import { reportFileName } from '../domain/file-name.ts';
import { ConfigurationError } from '../domain/file-type.ts';
import { assertReportBinding } from '../domain/report-binding.ts';
import { classifyFailure, decideAfterFailure, type Phase, planRun } from '../domain/sync-decision.ts';
import type { SyncReportData } from '../jobs.ts';
import type { ReportSyncContext } from '../service.ts';
import { claimReport, findReport, rememberFileName } from '../store.ts';
import type { EntrataPort } from './entrata-reads.ts';
import { recordFailure, recordSynced } from './outcomes.ts';

const MAX_REASON = 1000;

/** Thrown for a transient failure so the queue runs the job again with backoff. */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
}

export function syncReportJob(ctx: ReportSyncContext) {
  const { db, reads } = ctx;
  const job = ctx.syncReport.name;

  /** The customer's Entrata client and the property's file types; an unknown tenant is a configuration error. */
  const entrataOf = (row: { tenantId: string; propertyId: string }) => {
    try {
      return {
        client: ctx.entrata.forTenant(row.tenantId),
        fileTypes: ctx.tenants.property(row.tenantId, row.propertyId).entrataFileTypes,
      };
    } catch (error) {
      if (error instanceof UnknownTenantError) throw new ConfigurationError(error.message, { cause: error });
      throw error;
    }
  };

  return async function syncReport(data: SyncReportData, attempt: JobAttempt): Promise<void> {
    if (typeof data?.reportId !== 'string' || data.reportId === '') {
      // Retrying cannot fix a malformed job; it would only fail again.
      ctx.logger.error({ job }, 'job data without a reportId: dropped');
      return;
    }
    const row = await findReport(db.client, data.reportId);
    if (!row) {
      ctx.logger.error({ job, reportId: data.reportId }, 'report not found: nothing to sync');
      return;
    }
    const log = ctx.logger.child({
      job,
      reportId: row.reportId,
      tenantId: row.tenantId,
      applicationId: row.applicationId,
      reportType: row.reportType,
    });
    tagActiveSpan({ tenantId: row.tenantId, applicationId: row.applicationId });
    const plan = planRun(row);
    if (plan.action === 'skip') {
      log.info({ why: plan.why }, 'nothing to do');
      return;
    }
    const claimed = await db.run((tx) => claimReport(tx, row.reportId, ctx.clock.now()));
    if (!claimed) return;
    const attemptLog = log.child({ attempt: claimed.attempts });

    let phase: Phase = 'prepare';
    let client: EntrataPort;
    let fileName: string;
    let uploaded: EntrataUploadedFile[];
    try {
      // First of all: the platform's own data must show this report is the applicant group's it came with.
      const report = await ctx.platform.getReport(row.reportId);
      assertReportBinding(row, report);
      const entrata = entrataOf(row);
      client = entrata.client;
      const fileTypeId = await reads.fileTypeId(client, row, entrata.fileTypes, row.reportType);
      if (claimed.fileName) fileName = claimed.fileName;
      else {
        const named = reportFileName({ ...row, lastName: await reads.lastName(client, row, attemptLog) });
        fileName = await db.run((tx) => rememberFileName(tx, row.reportId, named));
      }

      if (plan.verifyFirst) {
        phase = 'verify';
        const found = await reads.findReportDocument(client, row);
        attemptLog.warn(
          { found: found !== undefined },
          'earlier upload unconfirmed: looked for the document in Entrata',
        );
        if (found) {
          const upload = { entrataFileId: found.fileId, fileName: found.fileName || fileName };
          await recordSynced(ctx, claimed, upload, attemptLog, 'found after an unconfirmed upload');
          return;
        }
      }

      phase = 'fetch';
      const pdf = await ctx.platform.downloadReport(row.reportId, report);
      phase = 'upload';
      uploaded = await client.sendLeaseDocuments({
        propertyId: row.propertyId,
        applicationId: row.entrataApplicationId,
        customerIds: row.entrataCustomerIds,
        file: { fileName, fileTypeId, bytes: pdf.bytes, contentType: 'application/pdf' },
        isShowInResidentPortal: false,
      });
    } catch (error) {
      const failure = classifyFailure(error, phase);
      const outcome = decideAfterFailure(
        { ...failure, reason: redactText(failure.reason).slice(0, MAX_REASON) },
        {
          phase,
          attempts: claimed.attempts,
          final: attempt.final,
          invalidPdfCount: claimed.invalidPdfCount,
          maxInvalidPdf: ctx.options.maxInvalidPdf,
          wasUnconfirmed: plan.verifyFirst,
        },
      );
      await recordFailure(ctx, claimed, outcome, attemptLog);
      if (outcome.action === 'retry') throw new RetryLaterError(outcome.reason, { cause: error });
      return;
    }

    // Outside the try: once Entrata took the file, no failure here may release the claim; a re-run finds
    // 'uploading' and looks for the document before uploading again.
    const file = uploaded[0];
    if (file && !file.fileId && !/^success/i.test(file.status)) {
      // Entrata answered, file by file, that it did not store this one: nothing to look for later.
      const reason = redactText(
        `Entrata did not store the file: ${file.status || 'no status'} ${file.message ?? ''}`.trim(),
      );
      await recordFailure(
        ctx,
        claimed,
        { action: 'fail', reason, uploadUnconfirmed: false, invalidPdfCount: claimed.invalidPdfCount },
        attemptLog,
      );
      return;
    }
    let entrataFileId = file?.fileId;
    if (!entrataFileId) {
      // Stored, but the id was not in the answer (it may not be readable back at once): try the list.
      entrataFileId = await reads
        .findReportDocument(client, row)
        .then((d) => d?.fileId)
        .catch(() => undefined);
      if (!entrataFileId) attemptLog.warn({}, 'uploaded, but Entrata gave no file id: recorded without one');
    }
    await recordSynced(ctx, claimed, { entrataFileId, fileName }, attemptLog, 'uploaded');
  };
}
