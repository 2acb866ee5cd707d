/**
 * What a sync-report job run does, decided from the row and from what went wrong: plain functions, so every
 * branch is unit-tested without Entrata, the platform or a queue.
 */
import { EntrataError } from '@autoverify/entrata-client';
import { NOT_SENT_CODES } from '@autoverify/retry';
import { VerificationPlatformError } from '@autoverify/verification-client';
import { ConfigurationError } from './file-type.ts';
import { ReportBindingError } from './report-binding.ts';

/**
 * getLeases found no lease for the application, so its documents (listed per lease) cannot be checked: an
 * earlier upload may be there, and uploading blind could store the report twice.
 */
export class LeaseNotFoundError extends Error {
  override name = 'LeaseNotFoundError';
  constructor(entrataApplicationId: string, propertyId: string) {
    super(
      `getLeases found no lease for application ${entrataApplicationId} in property ${propertyId}, so its documents cannot be checked for an earlier upload; check the application in Entrata, then retry`,
    );
  }
}

export type ReportStatus = 'pending' | 'uploading' | 'synced' | 'failed';

export type RunPlan =
  | { action: 'skip'; why: string }
  /** verifyFirst: look for our document in Entrata before uploading (an earlier upload's outcome is unknown). */
  | { action: 'sync'; verifyFirst: boolean };

export function planRun(row: { status: ReportStatus; uploadUnconfirmed: boolean }): RunPlan {
  switch (row.status) {
    case 'synced':
      return { action: 'skip', why: 'already synced' };
    case 'failed':
      // Only support (retry / re-upload) brings a failed report back; a stray job must not.
      return { action: 'skip', why: 'failed: waiting for a support retry' };
    case 'uploading':
      // The process died during (or right after) an upload: Entrata may hold the document already.
      return { action: 'sync', verifyFirst: true };
    case 'pending':
      return { action: 'sync', verifyFirst: row.uploadUnconfirmed };
  }
}

/**
 * Where in the run a failure happened: reading what the run needs (the report's data at the platform, the
 * file type, the name), looking for an earlier upload, fetching the PDF, uploading it.
 */
export type Phase = 'prepare' | 'verify' | 'fetch' | 'upload';

export interface Failure {
  kind: 'transient' | 'permanent';
  /** The upload may have stored the document although we saw an error. */
  uncertain: boolean;
  /** The platform's report was not a complete PDF. */
  invalidPdf: boolean;
  reason: string;
}

function uploadUncertain(error: EntrataError): boolean {
  switch (error.kind) {
    case 'timeout':
      return true;
    case 'network':
      return !NOT_SENT_CODES.has((error.cause as { code?: string } | undefined)?.code ?? '');
    case 'http':
      // A gateway's 5xx says nothing about whether Entrata behind it stored the file.
      return (error.httpStatus ?? error.code) >= 500;
    case 'invalid_response':
      // A 2xx we could not read: the upload most likely went through.
      return true;
    default:
      // 'api' (Entrata answered with an error: nothing stored) and 'rate_limited' (never sent).
      return false;
  }
}

export function classifyFailure(error: unknown, phase: Phase): Failure {
  const base = { uncertain: false, invalidPdf: false };
  if (error instanceof ConfigurationError)
    return { ...base, kind: 'permanent', reason: `configuration: ${error.message}` };
  if (error instanceof LeaseNotFoundError) return { ...base, kind: 'permanent', reason: error.message };
  if (error instanceof ReportBindingError)
    return { ...base, kind: 'permanent', reason: `report not bound to its application: ${error.message}` };
  if (error instanceof EntrataError) {
    const uncertain = phase === 'upload' && uploadUncertain(error);
    // An unreadable upload answer is retried so the next run finds the document in the list.
    const kind = error.retryable || uncertain ? 'transient' : 'permanent';
    return { ...base, kind, uncertain, reason: error.message };
  }
  if (error instanceof VerificationPlatformError) {
    const invalidPdf = error.kind === 'invalid_report';
    return {
      ...base,
      kind: error.retryable ? 'transient' : 'permanent',
      invalidPdf,
      reason: `verification platform: ${error.message}`,
    };
  }
  // A bug or an unexpected outage: retrying costs little, and the last attempt still records a failure.
  const message = error instanceof Error ? error.message : String(error);
  return { ...base, kind: 'transient', uncertain: phase === 'upload', reason: `unexpected: ${message}` };
}

export type FailureOutcome =
  | { action: 'retry'; uploadUnconfirmed: boolean; invalidPdfCount: number; reason: string }
  | { action: 'fail'; uploadUnconfirmed: boolean; invalidPdfCount: number; reason: string };

export interface FailureContext {
  phase: Phase;
  /** Our attempt count after this run's claim. */
  attempts: number;
  /** No queue retry follows this run. */
  final: boolean;
  /** Incomplete PDFs seen before this run. */
  invalidPdfCount: number;
  /** Incomplete PDFs tolerated (the platform may still be generating) before the failure is recorded. */
  maxInvalidPdf: number;
  /** Whether the row said an earlier upload was unconfirmed when this run started. */
  wasUnconfirmed: boolean;
}

export function decideAfterFailure(failure: Failure, ctx: FailureContext): FailureOutcome {
  // Before the document list was read, an earlier unconfirmed upload is still unconfirmed; after it, only
  // this run's upload can be.
  const uploadUnconfirmed =
    ctx.phase === 'prepare' || ctx.phase === 'verify' ? ctx.wasUnconfirmed : failure.uncertain;
  const invalidPdfCount = ctx.invalidPdfCount + (failure.invalidPdf ? 1 : 0);
  const common = { uploadUnconfirmed, invalidPdfCount };
  if (failure.kind === 'permanent') return { ...common, action: 'fail', reason: failure.reason };
  if (failure.invalidPdf && invalidPdfCount >= ctx.maxInvalidPdf) {
    return {
      ...common,
      action: 'fail',
      reason: `report PDF still incomplete after ${invalidPdfCount} fetches; last: ${failure.reason}`,
    };
  }
  if (ctx.final)
    return {
      ...common,
      action: 'fail',
      reason: `gave up after ${ctx.attempts} attempts; last: ${failure.reason}`,
    };
  return { ...common, action: 'retry', reason: failure.reason };
}
