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

/** Retries of the platform job: about 1, 2, 4 ... minutes apart, some 8 hours in all before it is recorded as failed. */
export const REQUEST_JOB_RETRY = { retryLimit: 10, retryDelay: 30, retryBackoff: true } as const;
