import type { JobQueue } from '@autoverify/service-kit';

/** What the use cases need from the job queue: sending, in the caller's transaction. */
export type JobSender = Pick<JobQueue, 'send'>;

/** Where a job run stands in its retries, so a final failure can be recorded as such. */
export interface JobAttempt {
  /** 1 on the first run. */
  attempt: number;
  /** No retry follows if this run fails. */
  final: boolean;
}

export const JOB_NAMES = {
  request: 'create-verification-request',
  expire: 'expire-invite',
} as const;

export interface JobRetry {
  retryLimit: number;
  /** Seconds; the base of the exponential backoff. */
  retryDelay: number;
  retryBackoff: boolean;
}

/** Retries of the platform job: 30 s doubling each time, some 8 hours in all before it is recorded as failed. */
export const REQUEST_JOB_RETRY: JobRetry = { retryLimit: 10, retryDelay: 30, retryBackoff: true };
