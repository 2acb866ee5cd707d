import { defineJob, type JobDefinition } from '@autoverify/service-kit';
import type { ReportSyncEnv } from './config.ts';

export interface SyncReportData {
  reportId: string;
}

export type SyncReportJob = JobDefinition<SyncReportData>;

/** Past an hour the delay stops doubling: a long outage is retried hourly, not daily. */
const MAX_DELAY_SECONDS = 3600;

/**
 * Puts one report into Entrata (key = the report id). Its retry policy is configuration, not code: how long
 * an Entrata outage is ridden out before a report is recorded as failed is the operator's call
 * (SYNC_RETRY_LIMIT, SYNC_RETRY_DELAY_SECONDS; by default 10 retries 5 s doubling, about an hour and a half).
 * So the definition is made from the validated env once, when the service is built (service.ts), and that
 * one definition is what the worker and every send use: `attempt.final` and the queue's retries agree.
 */
export function defineSyncReport(
  env: Pick<ReportSyncEnv, 'SYNC_RETRY_LIMIT' | 'SYNC_RETRY_DELAY_SECONDS'>,
): SyncReportJob {
  return defineJob<SyncReportData>({
    name: 'sync-report',
    retry: {
      limit: env.SYNC_RETRY_LIMIT,
      delaySeconds: env.SYNC_RETRY_DELAY_SECONDS,
      backoff: true,
      maxDelaySeconds: MAX_DELAY_SECONDS,
    },
    concurrency: 2,
  });
}
