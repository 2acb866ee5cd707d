import type { EntrataClient } from '@autoverify/entrata-client';
import type { JobQueue, QueueTx } from '@autoverify/service-kit';
import type { VerificationClient } from '@autoverify/verification-client';

/** What the use cases need from the job queue: sending, in the caller's transaction. */
export type JobSender = Pick<JobQueue, 'send'>;

/** The Entrata calls report-sync makes, for one tenant. */
export type EntrataPort = Pick<
  EntrataClient,
  'findApplication' | 'getLeases' | 'getLeaseDocumentsList' | 'getLeasePickList' | 'sendLeaseDocuments'
>;

export interface EntrataClients {
  /** One client (and so one rate limiter) per tenant; throws for an unknown tenant. */
  forTenant(tenantId: string): EntrataPort;
}

export type ReportSource = Pick<VerificationClient, 'fetchReport'>;

export const SYNC_REPORT_JOB = 'sync-report';

export interface SyncReportJobData {
  reportId: string;
}

export interface JobRetry {
  retryLimit: number;
  /** Seconds; the base of the exponential backoff. */
  retryDelay: number;
}

/** 5 s doubling: 10 retries span about an hour and a half before a report is recorded as failed. */
export const DEFAULT_SYNC_RETRY: JobRetry = { retryLimit: 10, retryDelay: 5 };

/** Enqueues the sync of a report in the caller's transaction; at most one queued or running job per report. */
export function enqueueSync(
  jobs: JobSender,
  tx: unknown,
  reportId: string,
  retry: JobRetry,
): Promise<string | null> {
  const data: SyncReportJobData = { reportId };
  return jobs.send(SYNC_REPORT_JOB, data, {
    // The services' transactions are Prisma interactive transactions, which the queue accepts.
    tx: tx as QueueTx,
    singletonKey: reportId,
    retryLimit: retry.retryLimit,
    retryDelay: retry.retryDelay,
    retryBackoff: true,
    // Past an hour the delay stops doubling: a long outage is retried hourly, not daily.
    retryDelayMax: 3600,
  });
}
