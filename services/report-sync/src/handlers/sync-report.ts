/**
 * The sync-report job: puts one platform report into Entrata as exactly one document, whatever retries,
 * crashes and replays happen around it.
 *
 * The row is claimed ('uploading', committed) before anything leaves the process. A run that finds the row
 * already 'uploading' (the previous one died mid-upload), or flagged unconfirmed (an upload timed out),
 * reads the application's documents first and records the one carrying the report id instead of uploading
 * again. Entrata may not list a new document at once, so the list is read a few times (`verifyDelaysMs`)
 * before uploading. Residual risk: a document that stays invisible longer than those checks is uploaded a
 * second time; there is no idempotency key on sendLeaseDocuments to close that gap.
 */

import { UnknownTenantError } from '@autoverify/config';
import { type PayloadOf, ReportSynced, ReportSyncFailed } from '@autoverify/contracts';
import type { EntrataUploadedFile } from '@autoverify/entrata-client';
import { redactText } from '@autoverify/logger';
import type { Logger, Outbox, Transactions } from '@autoverify/messaging';
import { reportFileName } from '../domain/file-name.ts';
import { ConfigurationError, type FileTypeSettings } from '../domain/file-type.ts';
import { classifyFailure, decideAfterFailure, type Phase, planRun } from '../domain/sync-decision.ts';
import {
  claimReport,
  findReport,
  markFailed,
  markRetry,
  markSynced,
  type ReportRow,
  rememberFileName,
} from '../store.ts';
import { entrataReads } from './entrata-reads.ts';
import {
  type EntrataClients,
  type EntrataPort,
  type ReportSource,
  SYNC_REPORT_JOB,
  type SyncReportJobData,
} from './ports.ts';

/** Incomplete PDFs tolerated (the platform may still be writing the report) before the failure is recorded. */
export const MAX_INVALID_PDF = 3;
/** Waits before each read of the document list when an earlier upload's outcome is unknown. */
export const VERIFY_DELAYS_MS = [0, 5_000, 15_000];
const MAX_REASON = 1000;

export interface SyncReportDeps<Tx> {
  transactions: Transactions<Tx>;
  outbox: Outbox<Tx>;
  relay: { wake(): void };
  logger: Logger;
  tenants: {
    property(tenantId: string, propertyId: string): { entrataFileTypes?: FileTypeSettings };
  };
  entrata: EntrataClients;
  platform: ReportSource;
  maxInvalidPdf?: number;
  verifyDelaysMs?: number[];
  sleep?: (ms: number) => Promise<void>;
}

/** Where the run stands in the queue's retries. */
export interface SyncAttempt {
  /** No retry follows if this run fails. */
  final: boolean;
}

/** Thrown for a transient failure so the queue runs the job again with backoff. */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
}

export function syncReportJob<Tx>(deps: SyncReportDeps<Tx>) {
  const { transactions, outbox } = deps;
  const maxInvalidPdf = deps.maxInvalidPdf ?? MAX_INVALID_PDF;
  const verifyDelays = deps.verifyDelaysMs ?? VERIFY_DELAYS_MS;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const reads = entrataReads({ verifyDelaysMs: verifyDelays, sleep });

  async function recordSynced(
    claimed: ReportRow,
    fileId: string | undefined,
    fileName: string,
    log: Logger,
    how: string,
  ) {
    const done = await transactions.run(async (tx) => {
      const row = await markSynced(transactions.sql(tx), claimed.reportId, fileId, fileName);
      if (!row) return undefined;
      const payload: PayloadOf<typeof ReportSynced> = {
        applicationId: row.applicationId,
        entrataApplicationId: row.entrataApplicationId,
        reportId: row.reportId,
        reportType: row.reportType,
        entrataFileId: fileId ?? '',
        fileName,
        attempts: row.attempts,
      };
      await outbox.add(tx, ReportSynced, payload, {
        tenantId: row.tenantId,
        correlationId: row.applicationId,
        causationId: row.sourceEventId,
      });
      return row;
    });
    if (done) {
      deps.relay.wake();
      log.info({ entrataFileId: fileId, attempts: done.attempts, how }, 'report synced to Entrata');
    }
  }

  async function recordFailure(
    claimed: ReportRow,
    outcome: ReturnType<typeof decideAfterFailure>,
    log: Logger,
  ): Promise<void> {
    const update = {
      reason: outcome.reason,
      uploadUnconfirmed: outcome.uploadUnconfirmed,
      invalidPdfCount: outcome.invalidPdfCount,
    };
    if (outcome.action === 'retry') {
      await transactions.run((tx) => markRetry(transactions.sql(tx), claimed.reportId, update));
      log.warn(
        { reason: outcome.reason, uploadUnconfirmed: outcome.uploadUnconfirmed },
        'report sync failed: will retry',
      );
      return;
    }
    const failed = await transactions.run(async (tx) => {
      const row = await markFailed(transactions.sql(tx), claimed.reportId, update);
      if (!row) return undefined;
      const payload: PayloadOf<typeof ReportSyncFailed> = {
        applicationId: row.applicationId,
        reportId: row.reportId,
        reportType: row.reportType,
        reason: outcome.reason,
        attempts: row.attempts,
      };
      await outbox.add(tx, ReportSyncFailed, payload, {
        tenantId: row.tenantId,
        correlationId: row.applicationId,
        causationId: row.sourceEventId,
      });
      return row;
    });
    if (failed) {
      deps.relay.wake();
      log.error(
        { reason: outcome.reason, attempts: failed.attempts },
        'report sync failed: support can retry it',
      );
    }
  }

  return async function syncReport(data: SyncReportJobData, attempt: SyncAttempt): Promise<void> {
    if (typeof data?.reportId !== 'string' || data.reportId === '') {
      // Retrying cannot fix a malformed job; it would only fail again.
      deps.logger.error({ job: SYNC_REPORT_JOB }, 'job data without a reportId: dropped');
      return;
    }
    const row = await findReport(transactions.sql(), data.reportId);
    if (!row) {
      deps.logger.error(
        { job: SYNC_REPORT_JOB, reportId: data.reportId },
        'report not found: nothing to sync',
      );
      return;
    }
    const log = deps.logger.child({
      job: SYNC_REPORT_JOB,
      reportId: row.reportId,
      tenantId: row.tenantId,
      applicationId: row.applicationId,
      reportType: row.reportType,
    });
    const plan = planRun(row);
    if (plan.action === 'skip') {
      log.info({ why: plan.why }, 'nothing to do');
      return;
    }
    const claimed = await transactions.run((tx) => claimReport(transactions.sql(tx), row.reportId));
    if (!claimed) return;
    const attemptLog = log.child({ attempt: claimed.attempts });

    let phase: Phase = 'prepare';
    let fileName: string;
    let uploaded: EntrataUploadedFile[];
    try {
      let client: EntrataPort;
      let fileTypes: FileTypeSettings | undefined;
      try {
        client = deps.entrata.forTenant(row.tenantId);
        fileTypes = deps.tenants.property(row.tenantId, row.propertyId).entrataFileTypes;
      } catch (error) {
        if (error instanceof UnknownTenantError)
          throw new ConfigurationError(error.message, { cause: error });
        throw error;
      }
      const fileTypeId = await reads.fileTypeId(client, row, fileTypes, row.reportType);
      fileName =
        claimed.fileName ??
        (await rememberFileName(
          transactions.sql(),
          row.reportId,
          reportFileName({ ...row, lastName: await reads.lastName(client, row, attemptLog) }),
        ));

      if (plan.verifyFirst) {
        phase = 'verify';
        const found = await reads.findReportDocument(client, row);
        attemptLog.warn(
          { found: found !== undefined },
          'earlier upload unconfirmed: looked for the document in Entrata',
        );
        if (found) {
          await recordSynced(
            claimed,
            found.fileId,
            found.fileName || fileName,
            attemptLog,
            'found after an unconfirmed upload',
          );
          return;
        }
      }

      phase = 'fetch';
      const report = await deps.platform.fetchReport(row.reportId);
      phase = 'upload';
      uploaded = await client.sendLeaseDocuments({
        propertyId: row.propertyId,
        applicationId: row.entrataApplicationId,
        customerIds: row.entrataCustomerIds,
        file: { fileName, fileTypeId, bytes: report.bytes, contentType: 'application/pdf' },
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
          maxInvalidPdf,
          wasUnconfirmed: plan.verifyFirst,
        },
      );
      await recordFailure(claimed, outcome, attemptLog);
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
        claimed,
        { action: 'fail', reason, uploadUnconfirmed: false, invalidPdfCount: claimed.invalidPdfCount },
        attemptLog,
      );
      return;
    }
    let fileId = file?.fileId;
    if (!fileId) {
      // Stored, but the id was not in the answer (it may not be readable back at once): try the list.
      fileId = await reads
        .findReportDocument(deps.entrata.forTenant(row.tenantId), row)
        .then((d) => d?.fileId)
        .catch(() => undefined);
      if (!fileId) attemptLog.warn({}, 'uploaded, but Entrata gave no file id: recorded without one');
    }
    await recordSynced(claimed, fileId, fileName, attemptLog, 'uploaded');
  };
}
